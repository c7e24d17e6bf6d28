import type { VeeHistory } from './vee-day';
import { dayNumber, keepDayIn, NO_WHOLE_DAYS, WINDOW_BYTES, wholeDaysIn, type WeekdayRows } from './weekday-totals';

/**
 * VEE's weekday totals are kept in buckets (table vee_weekday_bucket): one row per weekday and ESI ID
 * prefix (all but the last two characters), holding the totals of every ESI ID of that prefix, at
 * most 62 × 62 + 62 of them and 100 for digits. A TDSP's day is then hundreds of rows to read and
 * write instead of one per ESI ID, which is what the per-row cost of a database made expensive.
 *
 * A bucket is its members in suffix order, each a fixed MEMBER_BYTES: the suffix (two bytes, the
 * second 0 for a one-character ESI ID), then the ESI ID's window of totals (weekday-totals.ts).
 * Fixed sizes let a member's totals be read and replaced in place.
 */
const SUFFIX_BYTES = 2;
export const MEMBER_BYTES = SUFFIX_BYTES + WINDOW_BYTES;

/** The bucket an ESI ID's totals are kept in. */
export function bucketOf(esiid: string): string {
  return esiid.slice(0, -SUFFIX_BYTES);
}

/**
 * The buckets of these ESI IDs. ESI IDs of a bucket mostly come one after another (a TDSP's file is
 * in ESI ID order): one that starts with the bucket just found is in it, without a new string.
 */
export function bucketsOf(esiids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  let last: string | null = null;
  for (const esiid of esiids) {
    if (last !== null && inBucket(esiid, last)) continue;
    last = bucketOf(esiid);
    out.add(last);
  }
  return out;
}

function inBucket(esiid: string, bucket: string): boolean {
  return esiid.length === bucket.length + SUFFIX_BYTES && esiid.startsWith(bucket);
}

/** The suffix as the two bytes the bucket orders by. */
function suffixCode(esiid: string): number {
  const at = esiid.length >= SUFFIX_BYTES ? esiid.length - SUFFIX_BYTES : 0;
  return (esiid.charCodeAt(at) << 8) | (esiid.length - at > 1 ? esiid.charCodeAt(at + 1) : 0);
}

/**
 * Where the ESI ID's member starts in the bucket, or where it would go, encoded as -(place) - 1.
 * `guess`: where it likely starts (the member after the last one found, as a file comes in ESI ID
 * order), looked at before the search.
 */
function memberAt(bucket: Uint8Array, esiid: string, guess = -1): number {
  const code = suffixCode(esiid);
  if (guess >= 0 && guess + MEMBER_BYTES <= bucket.byteLength && ((bucket[guess]! << 8) | bucket[guess + 1]!) === code) return guess;
  let low = 0, high = bucket.byteLength / MEMBER_BYTES - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = mid * MEMBER_BYTES;
    const found = (bucket[at]! << 8) | bucket[at + 1]!;
    if (found === code) return at;
    if (found < code) low = mid + 1;
    else high = mid - 1;
  }
  return -(low * MEMBER_BYTES) - 1;
}

/** The ESI ID's window of totals in the bucket, or undefined. */
export function memberTotals(bucket: Uint8Array | undefined, esiid: string): Uint8Array | undefined {
  if (!bucket) return undefined;
  const at = memberAt(bucket, esiid);
  return at < 0 ? undefined : bucket.subarray(at + SUFFIX_BYTES, at + MEMBER_BYTES);
}

/** A member of a bucket: an ESI ID and its window of totals. */
export interface BucketMember {
  esiid: string;
  totals: Uint8Array;
}

/**
 * A bucket of these members (each ESI ID once, all of one bucket), built in one pass whatever their
 * number: a file of thousands of new ESI IDs of one prefix costs a sort, not a copy of the bucket for
 * each of them.
 */
export function bucketFrom(members: readonly BucketMember[]): Uint8Array {
  const sorted = members.map((m) => ({ code: suffixCode(m.esiid), totals: m.totals })).sort((x, y) => x.code - y.code);
  const out = new Uint8Array(sorted.length * MEMBER_BYTES);
  sorted.forEach(({ code, totals }, i) => {
    const at = i * MEMBER_BYTES;
    out[at] = code >> 8;
    out[at + 1] = code & 0xff;
    out.set(totals.subarray(0, WINDOW_BYTES), at + SUFFIX_BYTES);
  });
  return out;
}

/** Every member of a bucket as ESI ID and totals (views of the bucket), in ESI ID order. */
export function bucketMembers(bucket: string, members: Uint8Array): BucketMember[] {
  const out: BucketMember[] = [];
  for (let at = 0; at + MEMBER_BYTES <= members.byteLength; at += MEMBER_BYTES) {
    const suffix = String.fromCharCode(members[at]!) + (members[at + 1] === 0 ? '' : String.fromCharCode(members[at + 1]!));
    out.push({ esiid: bucket + suffix, totals: members.subarray(at + SUFFIX_BYTES, at + MEMBER_BYTES) });
  }
  return out;
}

/**
 * One weekday's buckets of a file's ESI IDs: as read (the history a check compares with), changed
 * in memory, then written once. Another writer may have changed a bucket since it was read (a file
 * of other ESI IDs of the same prefix, loaded at the same time): a store writes `merged`, this file's
 * members set on the bucket as it is stored at that moment, under a lock.
 */
export class WeekdayBuckets implements WeekdayRows {
  /** Per changed bucket: its copy, the file's ESI IDs in it, and the ESI IDs new to it, kept apart until the bucket is needed whole. */
  private readonly changed = new Map<string, { bucket: Uint8Array; esiids: string[]; added: Map<string, Uint8Array> }>();

  constructor(
    private readonly read: ReadonlyMap<string, Uint8Array>,
    private readonly write: (rows: WeekdayBuckets) => Promise<void>,
  ) {}

  /** The bucket key last answered: a file's records come in ESI ID order, so most ask for it again. */
  private lastKey: string | null = null;
  /**
   * The member history() found last, which keep() then looks for: a changed bucket has the members
   * of the bucket as read, at the same places, until merged (new ones are kept apart).
   */
  private lastMember: { esiid: string; at: number } = { esiid: '', at: -1 };

  private keyOf(esiid: string): string {
    if (this.lastKey !== null && inBucket(esiid, this.lastKey)) return this.lastKey;
    return (this.lastKey = bucketOf(esiid));
  }

  history(esiid: string, days: readonly string[], numbers: readonly number[]): VeeHistory {
    const bucket = this.read.get(this.keyOf(esiid));
    // The guess is checked against the ESI ID's own suffix in its own bucket, so it needs no other condition.
    const at = bucket ? memberAt(bucket, esiid, this.lastMember.at >= 0 ? this.lastMember.at + MEMBER_BYTES : -1) : -1;
    this.lastMember.esiid = esiid;
    this.lastMember.at = at;
    return at < 0 ? NO_WHOLE_DAYS : wholeDaysIn(bucket!, at + SUFFIX_BYTES, days, numbers);
  }

  keep(esiid: string, operatingDay: string, totalWh: number | null): void {
    const key = this.keyOf(esiid);
    let change = this.changed.get(key);
    if (!change) {
      // A copy of its own (a Buffer's slice would share the bytes read, which history() answers from).
      const read = this.read.get(key);
      this.changed.set(key, (change = { bucket: read ? new Uint8Array(read) : new Uint8Array(0), esiids: [], added: new Map() }));
    }
    change.esiids.push(esiid);
    const at = this.lastMember.esiid === esiid ? this.lastMember.at : memberAt(change.bucket, esiid);
    if (at >= 0) {
      keepDayIn(change.bucket, at + SUFFIX_BYTES, dayNumber(operatingDay), totalWh);
      return;
    }
    let added = change.added.get(esiid);
    if (!added) change.added.set(esiid, (added = new Uint8Array(WINDOW_BYTES)));
    keepDayIn(added, 0, dayNumber(operatingDay), totalWh);
  }

  save(): Promise<void> {
    return this.changed.size === 0 ? Promise.resolve() : this.write(this);
  }

  /** The buckets this file changed. */
  changedBuckets(): string[] {
    return [...this.changed.keys()];
  }

  /** This file's members of the bucket set on `stored`, the bucket as stored now (as read, unless another writer changed it). */
  merged(key: string, stored: Uint8Array | undefined): Uint8Array {
    const change = this.changed.get(key)!;
    this.lastMember.esiid = '';
    if (change.added.size > 0) {
      const added = [...change.added].map(([esiid, totals]) => ({ esiid, totals }));
      change.bucket = bucketFrom([...bucketMembers(key, change.bucket), ...added]);
      change.added.clear();
    }
    const read = this.read.get(key);
    if (stored === read || (stored && read && Buffer.compare(stored, read) === 0) || (!stored && !read)) return change.bucket;
    const members = new Map((stored ? bucketMembers(key, stored) : []).map((m) => [m.esiid, m.totals]));
    for (const esiid of change.esiids) members.set(esiid, memberTotals(change.bucket, esiid)!);
    return bucketFrom([...members].map(([esiid, totals]) => ({ esiid, totals })));
  }
}
