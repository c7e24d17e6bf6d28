/**
 * The daily consumption totals VEE keeps for the High/Low Usage rule's history, per ESI ID and
 * weekday: that weekday's whole-day totals of the most recent weeks, packed, so a file's history is
 * a few bytes per record instead of a day's intervals for each week compared with. They are stored
 * in buckets of ESI IDs (weekday-buckets.ts).
 */

/** Weeks a row keeps: the most SMT_VEE_HISTORY_WEEKS allows (12) and the day itself. */
export const KEPT_WEEKS = 13;
/** A day that was not whole (blank intervals): kept so a later version can replace it, never compared with. */
const NOT_WHOLE = -1;
export const ENTRY_BYTES = 8;
const DAY_MS = 86_400_000;

/** One ESI ID's kept totals of one weekday, newest day first, decoded (for reading them out). */
export interface WeekdayEntries {
  /** Days since 1970-01-01 of each operating day. */
  days: number[];
  /** Wh, or -1 when the day was not whole. */
  totals: number[];
}

/** Day numbers of the days seen lately: a file's records repeat a few days thousands of times. */
const dayNumbers = new Map<string, number>();

export function dayNumber(day: string): number {
  let n = dayNumbers.get(day);
  if (n === undefined) {
    if (dayNumbers.size >= 10_000) dayNumbers.clear();
    n = Math.round(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS);
    dayNumbers.set(day, n);
  }
  return n;
}

export function dayText(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 (Thursday, 1970-01-01) to 6: the row an operating day's total goes to. */
export function weekdayOf(day: string): number {
  return ((dayNumber(day) % 7) + 7) % 7;
}

export function decodeEntries(bytes: Uint8Array): WeekdayEntries {
  const days: number[] = [], totals: number[] = [];
  for (let at = 0; at + ENTRY_BYTES <= bytes.byteLength; at += ENTRY_BYTES) {
    days.push(int32At(bytes, at));
    totals.push(int32At(bytes, at + 4));
  }
  return { days, totals };
}

/** The little-endian int32 at `at`. */
function int32At(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

function setInt32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >> 8) & 0xff;
  bytes[at + 2] = (value >> 16) & 0xff;
  bytes[at + 3] = (value >> 24) & 0xff;
}

/**
 * Sets (or replaces) one day's total in the `count` entries at `from`, in place, keeping the newest
 * KEPT_WEEKS days, newest first; room for KEPT_WEEKS entries must follow `from`. `totalWh` null: the
 * day was not whole. Returns the new count. Works on the packed bytes: a file keeps a day for each
 * of its ESI IDs, and decoding every row into arrays would cost more than the check itself.
 */
export function keepDayIn(bytes: Uint8Array, from: number, count: number, day: number, totalWh: number | null): number {
  let at = 0;
  while (at < count && int32At(bytes, from + at * ENTRY_BYTES) > day) at++;
  const place = from + at * ENTRY_BYTES;
  if (at < count && int32At(bytes, place) === day) {
    setInt32(bytes, place + 4, totalWh === null ? NOT_WHOLE : totalWh);
    return count;
  }
  // A day older than every one a full row keeps is not kept.
  if (at >= KEPT_WEEKS) return count;
  const kept = Math.min(count + 1, KEPT_WEEKS);
  bytes.copyWithin(place + ENTRY_BYTES, place, from + (kept - 1) * ENTRY_BYTES);
  setInt32(bytes, place, day);
  setInt32(bytes, place + 4, totalWh === null ? NOT_WHOLE : totalWh);
  return kept;
}

/** A copy of a row with one day's total set (keepDayIn on a row of its own). */
export function keepDay(row: Uint8Array | undefined, day: number, totalWh: number | null): Buffer {
  const out = Buffer.alloc(KEPT_WEEKS * ENTRY_BYTES);
  const count = row ? Math.min(Math.floor(row.byteLength / ENTRY_BYTES), KEPT_WEEKS) : 0;
  if (row) out.set(row.subarray(0, count * ENTRY_BYTES));
  return out.subarray(0, keepDayIn(out, 0, count, day, totalWh) * ENTRY_BYTES);
}

/**
 * The whole-day totals among `days` (operating days of the row's weekday, `numbers` their
 * dayNumbers) in the `count` entries at `from`, as the rule's history.
 */
export function wholeDaysIn(bytes: Uint8Array, from: number, count: number, days: readonly string[], numbers: readonly number[]): { operatingDay: string; kwh: number }[] {
  const out: { operatingDay: string; kwh: number }[] = [];
  for (let d = 0; d < days.length; d++) {
    for (let at = from; at < from + count * ENTRY_BYTES; at += ENTRY_BYTES) {
      if (int32At(bytes, at) !== numbers[d]) continue;
      const total = int32At(bytes, at + 4);
      if (total !== NOT_WHOLE) out.push({ operatingDay: days[d]!, kwh: total / 1000 });
      break;
    }
  }
  return out;
}

/** One weekday's rows of a file's ESI IDs: as read (the history a check compares with), changed in memory, then written once. */
export interface WeekdayRows {
  /** The ESI ID's whole-day totals among `days` (with their dayNumbers) as they were before this file. */
  history(esiid: string, days: readonly string[], numbers: readonly number[]): { operatingDay: string; kwh: number }[];
  /** Keeps a day's total (null: not whole) for the ESI ID. */
  keep(esiid: string, operatingDay: string, totalWh: number | null): void;
  /** Writes the rows that changed. */
  save(): Promise<void>;
}

/** Where the totals are kept (src/vee/sqlite-weekday-totals.store.ts, typeorm-weekday-totals.store.ts). */
export interface WeekdayTotalsStore {
  /** The rows of `esiids` for one weekday (weekdayOf), ready to have days kept. */
  open(weekday: number, esiids: ReadonlySet<string>): Promise<WeekdayRows>;
}
