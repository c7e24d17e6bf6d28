/**
 * The daily consumption totals VEE keeps for the High/Low Usage rule's history, one row per ESI ID
 * and weekday (table vee_weekday_total): the row holds that weekday's whole-day totals of the most
 * recent weeks, so a file's history is one small row per record instead of a day's intervals for
 * each week compared with.
 */

/** Weeks a row keeps: the most SMT_VEE_HISTORY_WEEKS allows (12) and the day itself. */
export const KEPT_WEEKS = 13;
/** A day that was not whole (blank intervals): kept so a later version can replace it, never compared with. */
const NOT_WHOLE = -1;
const ENTRY_BYTES = 8;
const DAY_MS = 86_400_000;

/** One ESI ID's kept totals of one weekday, newest day first. */
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

export function encodeEntries(entries: WeekdayEntries): Buffer {
  const out = Buffer.alloc(entries.days.length * ENTRY_BYTES);
  entries.days.forEach((d, i) => {
    out.writeInt32LE(d, i * ENTRY_BYTES);
    out.writeInt32LE(entries.totals[i]!, i * ENTRY_BYTES + 4);
  });
  return out;
}

/** Sets (or replaces) one day's total, keeping the newest KEPT_WEEKS days. `totalWh` null: the day was not whole. */
export function keepDay(entries: WeekdayEntries, day: number, totalWh: number | null): WeekdayEntries {
  const total = totalWh === null ? NOT_WHOLE : totalWh;
  const at = entries.days.indexOf(day);
  if (at >= 0) {
    entries.totals[at] = total;
    return entries;
  }
  let i = 0;
  while (i < entries.days.length && entries.days[i]! > day) i++;
  entries.days.splice(i, 0, day);
  entries.totals.splice(i, 0, total);
  entries.days.length = Math.min(entries.days.length, KEPT_WEEKS);
  entries.totals.length = entries.days.length;
  return entries;
}

/** The whole-day totals among `days` (operating days of the row's weekday), as the rule's history. */
export function wholeDaysOf(entries: WeekdayEntries | undefined, days: readonly string[]): { operatingDay: string; kwh: number }[] {
  const out: { operatingDay: string; kwh: number }[] = [];
  if (!entries) return out;
  for (const day of days) {
    const at = entries.days.indexOf(dayNumber(day));
    if (at >= 0 && entries.totals[at]! !== NOT_WHOLE) out.push({ operatingDay: day, kwh: entries.totals[at]! / 1000 });
  }
  return out;
}

/** One weekday's rows of a file's ESI IDs: as read (the history a check compares with), changed in memory, then written once. */
export interface WeekdayRows {
  /** The ESI ID's totals as they were before this file. */
  before(esiid: string): WeekdayEntries | undefined;
  /** Keeps a day's total (null: not whole) for the ESI ID. */
  keep(esiid: string, operatingDay: string, totalWh: number | null): void;
  /** Writes the rows that changed. */
  save(): Promise<void>;
}

/** Where the rows are kept (src/vee/sqlite-weekday-totals.store.ts, typeorm-weekday-totals.store.ts). */
export interface WeekdayTotalsStore {
  /** The rows of `esiids` for one weekday (weekdayOf), ready to have days kept. */
  open(weekday: number, esiids: ReadonlySet<string>): Promise<WeekdayRows>;
}

/** The in-memory half of WeekdayRows, shared by the stores: they read the rows into it and write back what changed. */
export class ChangedRows implements Omit<WeekdayRows, 'save'> {
  readonly changed = new Map<string, WeekdayEntries>();

  constructor(private readonly read: Map<string, WeekdayEntries>) {}

  before(esiid: string): WeekdayEntries | undefined {
    return this.read.get(esiid);
  }

  keep(esiid: string, operatingDay: string, totalWh: number | null): void {
    const current = this.changed.get(esiid) ?? this.read.get(esiid);
    this.changed.set(esiid, keepDay(current ? { days: [...current.days], totals: [...current.totals] } : { days: [], totals: [] }, dayNumber(operatingDay), totalWh));
  }
}
