import { addDays, formatDay } from '../core/cpt';
import { esiidCell, kwh3, readingWh, revisionDate, usDate } from './report-format';
import { dayTotals, type UsageDay } from './usage-day';

export const MONTHLY_HEADER = [
  'ESIID', 'START_DATE', 'END_DATE', 'ACTUAL_KWH', 'ESTIMATED_KWH', 'TOTAL_KWH', 'METERED_KWH', 'REVISION_DATE',
];

export interface BillingPeriod {
  start: string;
  end: string;
  firstUsageDay: string;
  lastUsageDay: string;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The read date of a cycle in a month: its k-th weekday (Mon-Fri). A month with fewer than k
 * weekdays (a 20-weekday February under cycle 21) is read on its last weekday, so every month
 * still has exactly one read date and periods never skip a month.
 */
export function readDate(year: number, month: number, readCycle: number): string {
  let weekdays = 0;
  let last = 1;
  for (let day = 1; day <= daysInMonth(year, month); day++) {
    const dow = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    last = day;
    if (++weekdays === readCycle) break;
  }
  return formatDay(year, month, last);
}

function monthOf(day: string): [number, number] {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
}

function nextMonth([year, month]: [number, number]): [number, number] {
  return month === 12 ? [year + 1, 1] : [year, month + 1];
}

function previousMonth([year, month]: [number, number]): [number, number] {
  return month === 1 ? [year - 1, 12] : [year, month - 1];
}

function calendarMonths(from: string, to: string): BillingPeriod[] {
  const periods: BillingPeriod[] = [];
  for (let ym = monthOf(from); formatDay(...ym, 1) <= to; ym = nextMonth(ym)) {
    const first = formatDay(...ym, 1);
    const last = formatDay(...ym, daysInMonth(...ym));
    const start = first < from ? from : first;
    const end = last > to ? to : last;
    periods.push({ start, end, firstUsageDay: start, lastUsageDay: end });
  }
  return periods;
}

/**
 * Read-cycle periods share their boundary: a period starts on one read date and ends on the next,
 * whose usage already belongs to the following period. A period cut short by `to` ends on `to`,
 * its last usage day, since the read date closing it lies outside what was asked for.
 */
function cyclePeriods(from: string, to: string, readCycle: number): BillingPeriod[] {
  let ym = monthOf(from);
  if (readDate(...ym, readCycle) > from) ym = previousMonth(ym);
  const periods: BillingPeriod[] = [];
  for (let read = readDate(...ym, readCycle); read <= to; ) {
    ym = nextMonth(ym);
    const next = readDate(...ym, readCycle);
    const start = read < from ? from : read;
    const cut = addDays(next, -1) > to;
    periods.push({ start, end: cut ? to : next, firstUsageDay: start, lastUsageDay: cut ? to : addDays(next, -1) });
    read = next;
  }
  return periods;
}

/** The billing periods covering [from, to]; calendar months when the ESI ID has no read cycle. */
export function billingPeriods(from: string, to: string, readCycle: number | null): BillingPeriod[] {
  if (from > to) return [];
  return readCycle === null ? calendarMonths(from, to) : cyclePeriods(from, to, readCycle);
}

interface DayFigures {
  version: number;
  actualWh: number;
  estimatedWh: number;
  startReading: string | null;
  stopReading: string | null;
}

/**
 * Sums one ESI ID's days into its billing periods. Only the newest version of each day counts, so
 * a caller streaming every revision of a day cannot double its usage.
 */
export class MonthlyAccumulator {
  private readonly byPeriod: Map<string, DayFigures>[];
  private channel: number | null = null;

  constructor(
    private readonly esiid: string,
    private readonly periods: BillingPeriod[],
  ) {
    this.byPeriod = periods.map(() => new Map());
  }

  add(day: UsageDay): void {
    // Adding up consumption and surplus generation, or two meters, would print a plausible wrong figure.
    if (day.esiid !== this.esiid) throw new Error(`monthly usage of ${this.esiid} was given a day of ${day.esiid}`);
    if (this.channel !== null && day.channel !== this.channel) {
      throw new Error(`monthly usage of ${this.esiid} was given channel ${day.channel} after channel ${this.channel}`);
    }
    this.channel = day.channel;
    const index = this.periodIndex(day.operatingDay);
    if (index < 0) return;
    const days = this.byPeriod[index];
    const known = days.get(day.operatingDay);
    if (known && known.version >= day.version) return;
    const { actualWh, estimatedWh } = dayTotals(day);
    days.set(day.operatingDay, { version: day.version, actualWh, estimatedWh, startReading: day.startReading, stopReading: day.stopReading });
  }

  rows(): string[][] {
    const rows: string[][] = [];
    this.periods.forEach((period, i) => {
      const days = this.byPeriod[i];
      if (days.size === 0) return;
      let actualWh = 0;
      let estimatedWh = 0;
      let newest = 0;
      for (const figures of days.values()) {
        actualWh += figures.actualWh;
        estimatedWh += figures.estimatedWh;
        newest = Math.max(newest, figures.version);
      }
      rows.push([
        esiidCell(this.esiid), usDate(period.start), usDate(period.end),
        kwh3(actualWh), kwh3(estimatedWh), kwh3(actualWh + estimatedWh),
        meteredCell(days.get(period.firstUsageDay)?.startReading, days.get(period.lastUsageDay)?.stopReading),
        revisionDate(newest),
      ]);
    });
    return rows;
  }

  /** Binary search: periods are sorted and disjoint, and a 50,000-ESI request adds millions of days. */
  private periodIndex(day: string): number {
    let low = 0;
    let high = this.periods.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const p = this.periods[mid];
      if (day < p.firstUsageDay) high = mid - 1;
      else if (day > p.lastUsageDay) low = mid + 1;
      else return mid;
    }
    return -1;
  }
}

/** What the meter's registers say was used; empty unless both ends of the period were read. */
function meteredCell(start: string | null | undefined, stop: string | null | undefined): string {
  return start == null || stop == null ? '' : kwh3(readingWh(stop) - readingWh(start));
}
