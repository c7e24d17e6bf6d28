import { formatDay, isDay } from '../core/cpt';
import { SmtError } from '../core/errors';
import type { ReportType } from './usage-day';
import { isEsiid } from '../registry/registry-formats';

export const MAX_REQUEST_ESIIDS = 50_000;
const HISTORY_MONTHS: Record<ReportType, number> = { INTERVAL: 48, DAILY: 48, MONTHLY: 24 };

export type VersionOption = 'L' | 'A';
export type ReadingType = 'C' | 'G' | 'A';

export interface ReportRequestInput {
  requesterDuns: string;
  reportType: string;
  /** YYYY-MM-DD */
  startDate: string;
  endDate: string;
  version?: string;
  readingType?: string;
  esiids: string[];
  transId?: string | null;
  /** Ask for platform estimates of missing days, in rows marked as such (INTERVAL and DAILY, consumption). */
  platformEstimates?: boolean;
}

export interface ReportRequestSpec {
  requesterDuns: string;
  reportType: ReportType;
  startDate: string;
  endDate: string;
  version: VersionOption;
  readingType: ReadingType;
  /** Distinct, in first-seen order. */
  esiids: string[];
  transId: string | null;
  platformEstimates: boolean;
}

/** MM/DD/YYYY (SMT's request format) to YYYY-MM-DD, or null when it is not a real date. */
export function parseUsDate(text: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const day = `${m[3]}-${m[1]}-${m[2]}`;
  return isDay(day) ? day : null;
}

/** A request's MM/DD/YYYY date field as YYYY-MM-DD, or an error naming the field. */
export function readUsDate(value: unknown, field: string): string {
  const day = typeof value === 'string' ? parseUsDate(value) : null;
  if (!day) throw new SmtError('REPORT_DATES_INVALID', `${field} "${String(value).slice(0, 20)}" is not a real date; expected MM/DD/YYYY`);
  return day;
}

/** The earliest start date a report type may ask for: the same day, N months before today. */
export function historyStart(reportType: ReportType, today: string): string {
  const months = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - HISTORY_MONTHS[reportType];
  const year = Math.floor(months / 12), month = (months % 12) + 1;
  // Clamped to the month's length: 48 months before 2028-02-29 is 2024-02-29, 24 before is 2026-02-28.
  const day = Math.min(Number(today.slice(8, 10)), new Date(Date.UTC(year, month, 0)).getUTCDate());
  return formatDay(year, month, day);
}

/** Checks a request and says what to change; `today` is the operating day in Central Prevailing Time. */
export function checkReportRequest(input: ReportRequestInput, today: string, maxEsiids = MAX_REQUEST_ESIIDS): ReportRequestSpec {
  const { reportType, version, readingType, platformEstimates } = checkReportOptions(input);
  checkReportDates(input.startDate, input.endDate, reportType, today);
  const esiids = [...new Set(input.esiids.map((e) => e.trim()).filter((e) => e !== ''))];
  if (esiids.length === 0) throw new SmtError('REPORT_ESIID_INVALID', 'name at least one ESI ID');
  if (esiids.length > maxEsiids) {
    throw new SmtError('REPORT_TOO_MANY_ESIIDS', `${esiids.length} ESI IDs asked; at most ${maxEsiids} per request: split the list`);
  }
  const bad = esiids.filter((e) => !isEsiid(e));
  if (bad.length > 0) {
    throw new SmtError('REPORT_ESIID_INVALID', `malformed ESI ID(s): ${bad.slice(0, 5).map((e) => `"${e.slice(0, 70)}"`).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''} (expected 1 to 64 letters or digits)`);
  }
  return { requesterDuns: input.requesterDuns, reportType, startDate: input.startDate, endDate: input.endDate, version, readingType, esiids, transId: input.transId ?? null, platformEstimates };
}

/** A request's report type and options, checked on their own: services that find the ESI IDs themselves check these before reading any. */
export function checkReportOptions(input: Pick<ReportRequestInput, 'reportType' | 'version' | 'readingType' | 'platformEstimates'>): Pick<ReportRequestSpec, 'reportType' | 'version' | 'readingType' | 'platformEstimates'> {
  const reportType = oneOf(input.reportType.toUpperCase(), ['INTERVAL', 'DAILY', 'MONTHLY'] as const, 'reportType');
  const version = oneOf((input.version ?? 'L').toUpperCase(), ['L', 'A'] as const, 'version');
  const readingType = oneOf((input.readingType ?? 'C').toUpperCase(), ['C', 'G', 'A'] as const, 'readingType');
  if (readingType === 'A' && reportType !== 'INTERVAL') {
    throw new SmtError('REPORT_OPTION_INVALID', `readingType A (both channels) is only for INTERVAL reports; the ${reportType} layout carries one channel: ask C or G`);
  }
  const platformEstimates = input.platformEstimates === true;
  if (platformEstimates && (reportType === 'MONTHLY' || readingType === 'G')) {
    throw new SmtError('REPORT_OPTION_INVALID', `platform estimates are made for consumption days only: ask for them in INTERVAL or DAILY reports of readingType C or A, not ${reportType === 'MONTHLY' ? 'MONTHLY' : 'readingType G'}`);
  }
  return { reportType, version, readingType, platformEstimates };
}

/** A report's date range (YYYY-MM-DD): real dates, in order, not after today, within the history kept for the report type. */
export function checkReportDates(startDate: string, endDate: string, reportType: ReportType, today: string): void {
  for (const [name, day] of [['startDate', startDate], ['endDate', endDate]] as const) {
    if (!isDay(day)) throw new SmtError('REPORT_DATES_INVALID', `${name} "${day}" is not a real date (MM/DD/YYYY)`);
  }
  if (endDate < startDate) {
    throw new SmtError('REPORT_DATES_INVALID', `endDate ${endDate} is before startDate ${startDate}; swap them`);
  }
  if (endDate > today) {
    throw new SmtError('REPORT_END_IN_FUTURE', `endDate ${endDate} is in the future; the latest day you can ask for is ${today}`);
  }
  const earliest = historyStart(reportType, today);
  if (startDate < earliest) {
    throw new SmtError('REPORT_START_TOO_OLD', `startDate ${startDate} is older than the ${HISTORY_MONTHS[reportType]} months kept for ${reportType} reports; start on ${earliest} or later`);
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SmtError('REPORT_OPTION_INVALID', `${name} "${value}" is not one of ${allowed.join(', ')}`);
}
