import { addDays } from '../core/cpt';

export type DayType = 'weekday' | 'weekend' | 'holiday';

/** How far back a proxy day may come from: ERCOT's estimation looks within 12 months of the operating day. */
export const HISTORY_DAYS = 365;

function weekday(day: string): number {
  return new Date(`${day}T12:00:00Z`).getUTCDay();
}

/** The nth (1-based; -1 last) given weekday of a month, as YYYY-MM-DD. */
function nthWeekday(year: number, month: number, dow: number, n: number): string {
  const pad = (x: number) => String(x).padStart(2, '0');
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return `${year}-${pad(month)}-${pad(1 + ((dow - first + 7) % 7) + (n - 1) * 7)}`;
  }
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(year, month - 1, lastDate)).getUTCDay();
  return `${year}-${pad(month)}-${pad(lastDate - ((lastDow - dow + 7) % 7))}`;
}

/**
 * The holidays load profiles treat as their own day type (the NERC holidays ERCOT's profiles use):
 * New Year's Day, Memorial Day, Independence Day, Labor Day, Thanksgiving and Christmas, on their dates.
 */
export function holidays(year: number): Set<string> {
  return new Set([`${year}-01-01`, nthWeekday(year, 5, 1, -1), `${year}-07-04`, nthWeekday(year, 9, 1, 1), nthWeekday(year, 11, 4, 4), `${year}-12-25`]);
}

export function dayType(day: string): DayType {
  if (holidays(Number(day.slice(0, 4))).has(day)) return 'holiday';
  const dow = weekday(day);
  return dow === 0 || dow === 6 ? 'weekend' : 'weekday';
}

export type ProxyMethod = 'SAME_DAY' | 'LIKE_DAY';

/**
 * The days a missing day may borrow its shape from, in the order they are tried: the same day type
 * first ("Tuesday is Tuesday is Tuesday": the same weekday, or for a holiday another holiday), most
 * recent first; then like days (weekdays, weekend days; for a holiday weekend days), most recent first.
 * Only days within 12 months before the missing day.
 */
export function candidateDays(day: string): { day: string; method: ProxyMethod }[] {
  const type = dayType(day);
  const dow = weekday(day);
  const same: string[] = [], like: string[] = [];
  for (let back = 1; back <= HISTORY_DAYS; back++) {
    const d = addDays(day, -back);
    const t = dayType(d);
    if (type === 'holiday' ? t === 'holiday' : t === type && weekday(d) === dow) same.push(d);
    else if (type === 'holiday' ? t === 'weekend' : t === type) like.push(d);
  }
  return [...same.map((d) => ({ day: d, method: 'SAME_DAY' as const })), ...like.map((d) => ({ day: d, method: 'LIKE_DAY' as const }))];
}
