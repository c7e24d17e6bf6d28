import { esiidCell, kwh3, readingCell, revisionDate, usDate } from './report-format';
import { dayTotals, type UsageDay } from './usage-day';

export const DAILY_HEADER = [
  'ESIID', 'USAGE_DATE', 'REVISION_DATE', 'METER_NUMBER', 'START_READING', 'END_READING', 'USAGE_KWH', 'ESTIMATED_ACTUAL',
];

/**
 * One daily meter-read row. A blank interval also makes the day 'E': its total is short of what
 * the meter measured, and calling it actual would mislead a REP billing from it.
 */
export function dailyRow(day: UsageDay): string[] {
  const totals = dayTotals(day);
  return [
    esiidCell(day.esiid),
    usDate(day.operatingDay),
    revisionDate(day.version),
    day.meterNumber ?? '',
    readingCell(day.startReading),
    readingCell(day.stopReading),
    kwh3(totals.actualWh + totals.estimatedWh),
    totals.anyEstimated || totals.anyBlank ? 'E' : 'A',
  ];
}
