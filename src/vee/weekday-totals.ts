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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const days: number[] = [], totals: number[] = [];
  for (let at = 0; at + ENTRY_BYTES <= bytes.byteLength; at += ENTRY_BYTES) {
    days.push(view.getInt32(at, true));
    totals.push(view.getInt32(at + 4, true));
  }
  return { days, totals };
}

/**
 * A row with one day's total set (or replaced), keeping the newest KEPT_WEEKS days, newest first;
 * `totalWh` null: the day was not whole. Works on the packed bytes: a file keeps a day for each of
 * its ESI IDs, and decoding every row into arrays would cost more than the check itself.
 */
export function keepDay(row: Uint8Array | undefined, day: number, totalWh: number | null): Buffer {
  const total = totalWh === null ? NOT_WHOLE : totalWh;
  const length = row ? row.byteLength - (row.byteLength % ENTRY_BYTES) : 0;
  const view = row ? new DataView(row.buffer, row.byteOffset, row.byteLength) : null;
  let at = 0;
  while (at < length && view!.getInt32(at, true) > day) at += ENTRY_BYTES;
  const replaces = at < length && view!.getInt32(at, true) === day;
  const kept = Math.min(replaces ? length : length + ENTRY_BYTES, KEPT_WEEKS * ENTRY_BYTES);
  if (at >= kept) return Buffer.from(row!.subarray(0, kept));
  const out = Buffer.allocUnsafe(kept);
  if (at > 0) out.set(row!.subarray(0, at), 0);
  out.writeInt32LE(day, at);
  out.writeInt32LE(total, at + 4);
  const rest = replaces ? at + ENTRY_BYTES : at;
  if (at + ENTRY_BYTES < kept) out.set(row!.subarray(rest, rest + kept - at - ENTRY_BYTES), at + ENTRY_BYTES);
  return out;
}

/** The whole-day totals a row holds among `days` (operating days of the row's weekday), as the rule's history. */
export function wholeDaysOf(row: Uint8Array | undefined, days: readonly string[]): { operatingDay: string; kwh: number }[] {
  const out: { operatingDay: string; kwh: number }[] = [];
  if (!row) return out;
  const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
  for (const day of days) {
    const n = dayNumber(day);
    for (let at = 0; at + ENTRY_BYTES <= row.byteLength; at += ENTRY_BYTES) {
      if (view.getInt32(at, true) !== n) continue;
      const total = view.getInt32(at + 4, true);
      if (total !== NOT_WHOLE) out.push({ operatingDay: day, kwh: total / 1000 });
      break;
    }
  }
  return out;
}

/** One weekday's rows of a file's ESI IDs: as read (the history a check compares with), changed in memory, then written once. */
export interface WeekdayRows {
  /** The ESI ID's packed totals as they were before this file. */
  before(esiid: string): Uint8Array | undefined;
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
