import { addDays, isDay } from '../core/cpt';
import { SmtError } from '../core/errors';
import { isEsiid } from '../registry/registry-formats';
import { checkReportDates, historyStart } from '../usage/report-request.rules';

/**
 * The bounds of the ESI ID data services, checked before any read: each answer that comes back in
 * the response itself has a size fixed by these figures, whoever asks.
 */

/** Up to this many ESI IDs, interval data for a trade date comes back in the response; more become a report file. */
export const INLINE_MAX_ESIIDS = 10;
/** ESI IDs without data for a trade date: page size (default and most), and ESI IDs looked at per call. */
export const MISSING_PAGE_DEFAULT = 1000;
export const MISSING_PAGE_MAX = 5000;
export const MISSING_SCAN_MAX = 50_000;
/** The data-gap report over SOAP: at most this many days, and this many ESI IDs per page. */
export const GAPS_MAX_DAYS = 31;
export const GAPS_PAGE_DEFAULT = 100;
export const GAPS_PAGE_MAX = 200;

/** A day the services may be asked about: a real date, not after today, within the 48 months of interval history. */
export function checkHistoryDay(day: string, field: string, today: string): void {
  if (!isDay(day)) throw new SmtError('REPORT_DATES_INVALID', `${field} "${day}" is not a real date (MM/DD/YYYY)`);
  if (day > today) throw new SmtError('REPORT_END_IN_FUTURE', `${field} ${day} is in the future; the latest day you can ask for is ${today}`);
  const earliest = historyStart('INTERVAL', today);
  if (day < earliest) throw new SmtError('REPORT_START_TOO_OLD', `${field} ${day} is older than the 48 months of interval data kept; ask for ${earliest} or later`);
}

/** A range of interval history days, checked as a report request's, and at most `maxDays` long when given. */
export function checkHistoryRange(first: string, last: string, today: string, maxDays?: number): void {
  checkReportDates(first, last, 'INTERVAL', today);
  if (maxDays !== undefined && addDays(first, maxDays) <= last) {
    throw new SmtError('DATA_RANGE_TOO_LARGE', `${first} to ${last} is longer than the ${maxDays} days this operation answers; split the range`);
  }
}

/** A page size: absent gives the default; otherwise a whole number from 1 to `max`. */
export function readPageSize(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= 1 && n <= max)) throw new SmtError('PAGE_SIZE_INVALID', `${field} "${value.slice(0, 20)}" is not a whole number from 1 to ${max}`);
  return n;
}

/** A paging cursor: the last ESI ID of the previous page, or null to start from the first. */
export function readCursor(value: string | undefined, field: string): string | null {
  if (value === undefined || value.trim() === '') return null;
  if (!isEsiid(value.trim())) throw new SmtError('REPORT_ESIID_INVALID', `${field} "${value.slice(0, 70)}" is not an ESI ID (1 to 64 letters or digits)`);
  return value.trim();
}
