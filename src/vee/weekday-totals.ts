import type { VeeHistory } from './vee-day';

/**
 * The daily consumption totals VEE keeps for the High/Low Usage rule's history, per ESI ID and
 * weekday: that weekday's whole-day totals of the most recent weeks, packed, so a file's history is
 * a few bytes per record instead of a day's intervals for each week compared with. They are stored
 * in buckets of ESI IDs (weekday-buckets.ts).
 */

/** Weeks a window keeps: the most SMT_VEE_HISTORY_WEEKS allows (12) and the day itself. */
export const KEPT_WEEKS = 13;
/** A day that was not whole (blank intervals): kept so a later version can replace it, never compared with. */
const NOT_WHOLE = -1;
/** A week of the window with no day kept. */
const NONE = -2;
/**
 * One ESI ID's totals of one weekday, a window of KEPT_WEEKS weeks: the newest day's number (days
 * since 1970-01-01, int32), then the totals in Wh (int32) of that day and of each week before it,
 * NONE for a week without a day. All zero bytes: nothing kept. The days are implied by the newest,
 * so a window is half the bytes of day and total pairs, and every file rewrites the windows of its
 * ESI IDs.
 */
export const WINDOW_BYTES = 4 + KEPT_WEEKS * 4;
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

/** The days a window keeps, newest first. */
export function decodeEntries(window: Uint8Array): WeekdayEntries {
  const days: number[] = [], totals: number[] = [];
  const newest = int32At(window, 0);
  for (let week = 0; newest !== 0 && week < KEPT_WEEKS; week++) {
    const total = int32At(window, 4 + week * 4);
    if (total === NONE) continue;
    days.push(newest - week * 7);
    totals.push(total);
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
 * Sets (or replaces) one day's total in the window at `from`, in place. A day newer than the newest
 * moves the window on (weeks it passes over are NONE); a day older than the window is not kept.
 * `totalWh` null: the day was not whole. Works on the packed bytes: a file keeps a day for each of
 * its ESI IDs, and decoding every window would cost more than the check itself.
 */
export function keepDayIn(bytes: Uint8Array, from: number, day: number, totalWh: number | null): void {
  const newest = int32At(bytes, from);
  if (newest !== 0 && (day - newest) % 7 !== 0) throw new Error(`day ${dayText(day)} is not the weekday of the window's ${dayText(newest)}`);
  const total = totalWh === null ? NOT_WHOLE : totalWh;
  if (newest === 0 || day > newest) {
    const moved = newest === 0 ? KEPT_WEEKS : Math.min(KEPT_WEEKS, (day - newest) / 7);
    bytes.copyWithin(from + 4 + moved * 4, from + 4, from + 4 + (KEPT_WEEKS - moved) * 4);
    for (let week = 1; week < moved; week++) setInt32(bytes, from + 4 + week * 4, NONE);
    setInt32(bytes, from, day);
    setInt32(bytes, from + 4, total);
    return;
  }
  const week = (newest - day) / 7;
  if (week < KEPT_WEEKS) setInt32(bytes, from + 4 + week * 4, total);
}

/** A copy of a window with one day's total set (keepDayIn on a window of its own). */
export function keepDay(window: Uint8Array | undefined, day: number, totalWh: number | null): Buffer {
  const out = Buffer.alloc(WINDOW_BYTES);
  if (window) out.set(window.subarray(0, WINDOW_BYTES));
  keepDayIn(out, 0, day, totalWh);
  return out;
}

/** The High/Low Usage history of one ESI ID and day: its same weekday's whole days among those asked for. */
export class WholeDays implements VeeHistory {
  constructor(
    readonly wholeDays: number,
    readonly totalWh: number,
    private readonly asked: readonly string[],
    /** Bit i: asked[i] is one of them. */
    private readonly found: number,
  ) {}

  days(): string[] {
    return this.asked.filter((_, i) => (this.found >>> i) & 1);
  }
}

/** The history of an ESI ID with no whole day among those asked for. */
export const NO_WHOLE_DAYS = new WholeDays(0, 0, [], 0);

/**
 * The whole-day totals among `days` (operating days of the window's weekday, at most 31, `numbers`
 * their dayNumbers) in the window at `from`, as the rule's history.
 */
export function wholeDaysIn(bytes: Uint8Array, from: number, days: readonly string[], numbers: readonly number[]): WholeDays {
  const newest = int32At(bytes, from);
  if (newest === 0) return NO_WHOLE_DAYS;
  let count = 0, totalWh = 0, found = 0;
  for (let d = 0; d < numbers.length; d++) {
    const week = (newest - numbers[d]!) / 7;
    if (week < 0 || week >= KEPT_WEEKS) continue;
    const total = int32At(bytes, from + 4 + week * 4);
    if (total < 0) continue;
    count++;
    totalWh += total;
    found |= 1 << d;
  }
  return count === 0 ? NO_WHOLE_DAYS : new WholeDays(count, totalWh, days, found);
}

/** One weekday's rows of a file's ESI IDs: as read (the history a check compares with), changed in memory, then written once. */
export interface WeekdayRows {
  /** The ESI ID's whole-day totals among `days` (with their dayNumbers) as they were before this file. */
  history(esiid: string, days: readonly string[], numbers: readonly number[]): VeeHistory;
  /** Keeps a day's total (null: not whole) for the ESI ID. */
  keep(esiid: string, operatingDay: string, totalWh: number | null): void;
  /** Writes the rows that changed. */
  save(): Promise<void>;
}

/** Where the totals are kept (src/vee/sqlite-weekday-totals.store.ts, typeorm-weekday-totals.store.ts). */
export interface WeekdayTotalsStore {
  /** One weekday's (weekdayOf) rows of `buckets` (bucketsOf the ESI IDs a file checks), ready to have days kept. */
  open(weekday: number, buckets: ReadonlySet<string>): Promise<WeekdayRows>;
}
