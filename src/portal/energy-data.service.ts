import { addDays, cptToday, isDay } from '../core/cpt';
import { SmtError } from '../core/errors';
import { inRanges } from '../usage/report-access';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { DAILY_HEADER, dailyRow } from '../usage/daily-report.builder';
import { INTERVAL_HEADER, intervalRows } from '../usage/interval-report.builder';
import { billingPeriods, MONTHLY_HEADER, MonthlyAccumulator } from '../usage/monthly-report.builder';
import { usDate } from '../usage/report-format';
import type { ReportType, UsageDay } from '../usage/usage-day';
import type { UsageSource } from '../usage/usage.source';
import { earliestDay, viewerDays, type Viewer } from './energy-access';

/** The seed's on-screen limits: one ESI ID, 40 days of intervals, 1,200 days of daily reads, 24 months of monthly usage. */
export const ON_SCREEN_DAYS: Record<ReportType, number> = { INTERVAL: 40, DAILY: 1200, MONTHLY: 731 };

/** One line of a view: a day (or billing period) with its report rows, or none when there is no data. */
export interface ViewGroup {
  label: string;
  /** The report file's rows for this day or period; empty: no data. */
  rows: string[][];
}

export interface UsageView {
  esiid: string;
  type: ReportType;
  from: string;
  to: string;
  header: string[];
  groups: ViewGroup[];
}

/**
 * The three on-screen views, built with the report engine's row builders and its access rule, so
 * a view and its CSV hold exactly the rows a report file of the same request would (consumption,
 * latest version). Null when the viewer may see none of the range: the page then says the same
 * as for an ESI ID that does not exist.
 */
export class EnergyDataService {
  constructor(private readonly source: () => Promise<UsageSource>, private readonly today: () => string = () => cptToday()) {}

  async view(viewer: Viewer, esiid: string, type: ReportType, from: string, to: string): Promise<UsageView | null> {
    this.checkRange(viewer, type, from, to);
    const source = await this.source();
    const facts = (await source.facts([esiid])).get(esiid);
    const ranges = viewerDays(viewer, esiid, facts, from, to);
    if (ranges.length === 0) return null;
    const latest = new Map<string, UsageDay>();
    for (let day = from; day <= to; day = addDays(day, 1)) {
      if (!inRanges(ranges, day)) continue;
      let newest: UsageDay | undefined;
      for await (const row of source.dayRows(day, 4, new Set([esiid]))) newest = row;
      if (newest) latest.set(day, newest);
    }
    if (type === 'MONTHLY') {
      const periods = billingPeriods(from, to, facts?.readCycle ?? null);
      const accumulator = new MonthlyAccumulator(esiid, periods);
      for (const day of latest.values()) accumulator.add(day);
      const rows = new Map(accumulator.rows().map((r) => [r[1]!, r]));
      const groups = periods.map((p) => ({ label: `${usDate(p.start)} - ${usDate(p.end)}`, rows: rows.has(usDate(p.start)) ? [rows.get(usDate(p.start))!] : [] }));
      return { esiid, type, from, to, header: MONTHLY_HEADER, groups };
    }
    const groups: ViewGroup[] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const usage = latest.get(day);
      groups.push({ label: usDate(day), rows: !usage ? [] : type === 'INTERVAL' ? intervalRows(usage) : [dailyRow(usage)] });
    }
    return { esiid, type, from, to, header: type === 'INTERVAL' ? INTERVAL_HEADER : DAILY_HEADER, groups };
  }

  /** The view as the report file's CSV: its header and exactly the rows on screen. */
  static csv(view: UsageView): string {
    return csvHeader(view.header) + csvChunk(view.groups.flatMap((g) => g.rows));
  }

  /** The default range of a view: the last N days up to yesterday, within the limits. */
  defaultRange(type: ReportType): { from: string; to: string } {
    const to = addDays(this.today(), -1);
    return { from: type === 'INTERVAL' ? addDays(to, -6) : type === 'DAILY' ? addDays(to, -29) : addDays(to, -364), to };
  }

  private checkRange(viewer: Viewer, type: ReportType, from: string, to: string): void {
    if (!isDay(from) || !isDay(to)) throw new SmtError('REPORT_DATES_INVALID', 'Enter real dates (YYYY-MM-DD).');
    if (to < from) throw new SmtError('REPORT_DATES_INVALID', 'The end date is before the start date.');
    const today = this.today();
    if (to > today) throw new SmtError('REPORT_END_IN_FUTURE', `The end date is in the future; the latest day is ${today}.`);
    const earliest = earliestDay(viewer, type, today);
    if (from < earliest) throw new SmtError('REPORT_START_TOO_OLD', `Your history for this view starts on ${earliest}.`);
    if (addDays(from, ON_SCREEN_DAYS[type] - 1) < to) {
      throw new SmtError('REPORT_DATES_INVALID', `At most ${type === 'INTERVAL' ? '40 days' : type === 'DAILY' ? '1,200 days' : '24 months'} can be shown on screen; a longer range is an export request.`);
    }
  }
}
