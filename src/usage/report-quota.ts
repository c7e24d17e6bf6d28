import { daysFromTo } from '../core/cpt';
import { SmtError } from '../core/errors';

/**
 * Per-participant limits on ad-hoc report requests, checked at submission so one requester cannot
 * fill the queue or the disk: requests waiting at once, and estimated CSV rows asked for in any
 * 24 hours. Daily postings are the platform's own work and count against neither.
 */
export interface ReportQuota {
  maxQueuedPerParticipant: number;
  maxRowsPerParticipant24h: number;
}

export const ROW_WINDOW_MS = 86_400_000;

/** Statuses of a request not yet delivered (or failed): it still holds a place in the queue. */
export const QUEUED_STATUSES = ['PEN', 'PRC', 'PUB'] as const;

export interface RowEstimateInput {
  reportType: string;
  startDate: string;
  endDate: string;
  readingType: string;
  esiidCount: number;
}

/**
 * The CSV rows a request will produce, estimated before it runs: one version of every day, 96
 * intervals a day per channel (interval), one row a day (daily), one billing period per calendar
 * month touched plus one for a cycle boundary (monthly).
 */
export function estimateRows(r: RowEstimateInput): number {
  const days = daysFromTo(r.startDate, r.endDate);
  if (r.reportType === 'INTERVAL') return r.esiidCount * days * 96 * (r.readingType === 'A' ? 2 : 1);
  if (r.reportType === 'DAILY') return r.esiidCount * days;
  const months = (Number(r.endDate.slice(0, 4)) - Number(r.startDate.slice(0, 4))) * 12 + Number(r.endDate.slice(5, 7)) - Number(r.startDate.slice(5, 7)) + 1;
  return r.esiidCount * (months + 1);
}

/** Refuses a request when the participant already has `limit` requests waiting. */
export function checkQueued(queued: number, limit: number, oldest: { correlationId: string; createdAt: string } | null): void {
  if (queued < limit) return;
  throw new SmtError('REPORT_QUEUE_FULL',
    `${queued} of your report requests are waiting or in production; at most ${limit} may wait at once. ` +
    `Submit again when one of them is delivered (GetUsageRequestStatus shows their progress${oldest ? `; the oldest, ${oldest.correlationId}, was queued at ${oldest.createdAt}` : ''}).`,
    { limit, queued });
}

/**
 * Refuses a request whose estimated rows, added to those the participant asked for in the last
 * 24 hours, pass the limit; says from when it fits (as earlier requests leave the window).
 */
export function checkRowWindow(recent: { createdAt: string; rows: number }[], adding: number, limit: number, now: Date): void {
  if (adding > limit) {
    throw new SmtError('REPORT_ROW_LIMIT',
      `this request is estimated at ${adding} rows; one participant may ask for at most ${limit} rows in any 24 hours: split it into requests of fewer ESI IDs or days, spread over the day`,
      { limit, adding });
  }
  const used = recent.reduce((sum, r) => sum + r.rows, 0);
  if (used + adding <= limit) return;
  let freed = 0;
  let fitsAt = now;
  for (const r of [...recent].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))) {
    freed += r.rows;
    if (used - freed + adding <= limit) {
      fitsAt = new Date(Date.parse(r.createdAt) + ROW_WINDOW_MS);
      break;
    }
  }
  throw new SmtError('REPORT_ROW_LIMIT',
    `you asked for ${used} rows in the last 24 hours and this request adds ${adding}; at most ${limit} rows per participant in any 24 hours. ` +
    `It fits from ${fitsAt.toISOString()}, as earlier requests leave the window; or ask for fewer ESI IDs or days.`,
    { limit, used, adding, retryAt: fitsAt.toISOString() });
}
