/**
 * Central Prevailing Time: the clock of the ERCOT market. Operating days are local calendar days;
 * their interval count depends on the US daylight-saving rules in force that year.
 * Days are 'YYYY-MM-DD' strings throughout the platform.
 */

export const MINUTES_PER_INTERVAL = 15;

export type DayKind = 'normal' | 'spring-forward' | 'fall-back';

/** UTC date of the nth (1-based) Sunday of a month, or the last one when n = -1. */
function nthSunday(year: number, month: number, n: number): number {
  if (n > 0) {
    const firstDow = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((7 - firstDow) % 7) + (n - 1) * 7;
  }
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(year, month - 1, lastDate)).getUTCDay();
  return lastDate - lastDow;
}

type DstDays = { springForward: string; fallBack: string } | null;
/** dstDays by year: loaders and checks ask for every record, and a year's answer never changes. */
const dstDaysByYear = new Map<number, DstDays>();

/** The spring-forward and fall-back days of a year under the US rules of that year (null: none). */
export function dstDays(year: number): DstDays {
  let days = dstDaysByYear.get(year);
  if (days === undefined) {
    days = computeDstDays(year);
    // Years asked for are few; the bound only guards against a caller looping over the calendar.
    if (dstDaysByYear.size > 1_000) dstDaysByYear.clear();
    dstDaysByYear.set(year, days);
  }
  return days;
}

function computeDstDays(year: number): DstDays {
  if (year < 1967) return null;
  let spring: [number, number];
  let fall: [number, number];
  if (year >= 2007) {
    spring = [3, nthSunday(year, 3, 2)];
    fall = [11, nthSunday(year, 11, 1)];
  } else if (year >= 1987) {
    spring = [4, nthSunday(year, 4, 1)];
    fall = [10, nthSunday(year, 10, -1)];
  } else {
    // 1974 and 1975 started early (Emergency Daylight Saving Time Energy Conservation Act).
    spring = year === 1974 ? [1, 6] : year === 1975 ? [2, 23] : [4, nthSunday(year, 4, -1)];
    fall = [10, nthSunday(year, 10, -1)];
  }
  return { springForward: formatDay(year, ...spring), fallBack: formatDay(year, ...fall) };
}

export function formatDay(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The day dayKind answered last: a file's records repeat a few days thousands of times. */
let lastKind: { day: string; kind: DayKind } = { day: '', kind: 'normal' };

export function dayKind(day: string): DayKind {
  if (day === lastKind.day) return lastKind.kind;
  const dst = dstDays(Number(day.slice(0, 4)));
  const kind: DayKind = dst?.springForward === day ? 'spring-forward' : dst?.fallBack === day ? 'fall-back' : 'normal';
  lastKind = { day, kind };
  return kind;
}

/** 96 on a normal day, 92 when spring-forward skips 02:00-03:00, 100 when fall-back repeats 01:00-02:00. */
export function intervalsInDay(day: string): number {
  const kind = dayKind(day);
  return kind === 'spring-forward' ? 92 : kind === 'fall-back' ? 100 : 96;
}

/** True when y-m-d names a real calendar date. */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function addDays(day: string, days: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  const d = new Date(t + days * 86_400_000);
  return formatDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** The days of first..last, both counted (0 when last is before first). */
export function daysFromTo(first: string, last: string): number {
  return Math.max(0, Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1);
}

/** Made on first use: loading a time zone's rules costs a process or thread start-up about 13 ms. */
let chicago: Intl.DateTimeFormat | null = null;

function chicagoFormat(): Intl.DateTimeFormat {
  chicago ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Chicago',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return chicago;
}

/** The wall-clock time in Central Prevailing Time as a YYYYMMDDHHMMSS number. */
export function cptTimestamp(at: Date): number {
  const parts: Record<string, string> = {};
  for (const p of chicagoFormat().formatToParts(at)) parts[p.type] = p.value;
  return Number(`${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}`);
}

/** Today's operating day in Central Prevailing Time. */
export function cptToday(at: Date = new Date()): string {
  const ts = String(cptTimestamp(at));
  return `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}`;
}

export interface IntervalSlot {
  /** 1-based position in a report day (96 rows, or 100 on a fall-back day). */
  slot: number;
  start: string;
  end: string;
  /** Index into the stored intervals of the day, or null for the spring-forward gap (blank row). */
  index: number | null;
}

/**
 * The rows a report prints for a day. A spring-forward day keeps 96 rows with the four
 * 02:00-03:00 rows blank; a fall-back day has 100 rows with 01:00-02:00 twice.
 */
export function reportSlots(day: string): readonly IntervalSlot[] {
  const kind = dayKind(day);
  // Three shapes of day exist; reports ask for one per ESI ID and day, so each shape is built once.
  const cached = slotCache.get(kind);
  if (cached) return cached;
  const slots = Object.freeze(buildSlots(kind).map((slot) => Object.freeze(slot)));
  slotCache.set(kind, slots);
  return slots;
}

const slotCache = new Map<DayKind, readonly IntervalSlot[]>();

function buildSlots(kind: DayKind): IntervalSlot[] {
  const slots: IntervalSlot[] = [];
  let index = 0;
  const push = (minute: number, stored: boolean): void => {
    slots.push({
      slot: slots.length + 1,
      start: clock(minute),
      end: clock(minute + MINUTES_PER_INTERVAL),
      index: stored ? index++ : null,
    });
  };
  for (let minute = 0; minute < 24 * 60; minute += MINUTES_PER_INTERVAL) {
    push(minute, !(kind === 'spring-forward' && minute >= 120 && minute < 180));
    if (kind === 'fall-back' && minute === 105) {
      for (let again = 60; again < 120; again += MINUTES_PER_INTERVAL) push(again, true);
    }
  }
  return slots;
}

function clock(minute: number): string {
  const m = minute % (24 * 60);
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}
