import type { EntityManager } from 'typeorm';
import { SmtError } from '../core/errors';
import { HanMessage } from '../db/entities/han-message.entity';

/** The window the per-REP limit on HAN message requests counts over. */
export const RATE_WINDOW_MS = 60_000;

/**
 * Refuses a REP's message request once its DUNS made `limit` of them in the last minute. The count
 * comes from the stored requests, so it holds across restarts and across processes sharing the
 * database; the caller holds the lock on the REP's DUNS rows, so concurrent requests are counted
 * one after the other. limit 0: no limit.
 */
export async function checkMessageRate(m: EntityManager, rep: { name: string; duns: readonly string[] }, limit: number, now: Date): Promise<void> {
  if (limit <= 0) return;
  const since = new Date(now.getTime() - RATE_WINDOW_MS).toISOString();
  const newest: { at: string }[] = await m.createQueryBuilder(HanMessage, 'h').select('h.createdAt', 'at')
    .where('h.repDuns IN (:...duns) AND h.createdAt > :since', { duns: [...rep.duns], since })
    .orderBy('h.createdAt', 'DESC').limit(limit).getRawMany();
  if (newest.length < limit) return;
  // Once the limit-th newest request leaves the window, one more fits.
  const retryAt = new Date(Date.parse(newest[limit - 1]!.at) + RATE_WINDOW_MS);
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  throw new SmtError('HAN_RATE_LIMITED', `${rep.name} made ${limit} HAN message requests in the last ${RATE_WINDOW_MS / 1000} s, the most allowed per REP; `
    + `retry after ${retryAt.toISOString()} (in ${seconds} s)`, { retryAfterSeconds: seconds });
}
