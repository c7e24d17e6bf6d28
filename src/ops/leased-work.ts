import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { HeldLease, JobLeaseStore } from './job-lease.store';

export type LeasedOutcome<T> = { ran: true; result: T } | { ran: false; reason: 'held-elsewhere' | 'already-done' };

/**
 * Runs `work` while holding lease `name`, renewing it every third of `ttlMs` so a long run keeps
 * it; an instance killed mid-work stops renewing and the lease lapses for another to take. With a
 * `period`, work that already completed for that period (on any instance) is not run again.
 */
export async function withLease<T>(
  leases: JobLeaseStore, logger: Logger, name: string, ttlMs: number,
  work: (lease: HeldLease) => Promise<T>, period?: string,
): Promise<LeasedOutcome<T>> {
  const lease = await leases.acquire(name, ttlMs);
  if (!lease) return { ran: false, reason: 'held-elsewhere' };
  if (period !== undefined && lease.donePeriod === period) {
    await leases.release(name);
    return { ran: false, reason: 'already-done' };
  }
  const renewal = setInterval(() => {
    leases.renew(name, ttlMs).then((kept) => {
      if (!kept) logger.error('lease: lost while the work was running (another instance may repeat it)', { lease: name });
    }, (error) => logger.warn('lease: renewal failed', { lease: name, error: errorMessage(error) }));
  }, Math.max(50, Math.floor(ttlMs / 3)));
  try {
    const result = await work(lease);
    await leases.release(name, period);
    return { ran: true, result };
  } catch (error) {
    await leases.release(name).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renewal);
  }
}
