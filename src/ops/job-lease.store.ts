import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { DataSource } from 'typeorm';
import { JobLease } from '../db/entities/job-lease.entity';
import type { SessionLock, SessionLocks } from './session-locks';

/** A lease this instance holds: when it took it, and the last period the work completed for. */
export interface HeldLease {
  name: string;
  acquiredAt: string;
  donePeriod: string | null;
}

/** A name for this process that no other instance (even one on the same host with a recycled pid) shares. */
export function instanceId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Leases in the job_lease table, shared by every instance on the database. Taking one is a
 * conditional update (only a free or lapsed lease, or one this holder already has, changes hands),
 * or an insert that the primary key lets only one instance win; so on any engine, at most one
 * instance holds a lease at a time. Times are the instances' clocks: keep them in step (NTP) and
 * leases well above the skew.
 *
 * With session locks (PostgreSQL advisory locks), the lock decides who holds a lease: it never
 * lapses while its holder lives and frees at once when the holder's connection dies; the row then
 * only records the holder and the periods done, and the lock's holder takes it whatever its expiry.
 */
export class JobLeaseStore {
  private readonly locks = new Map<string, SessionLock>();

  constructor(private readonly db: DataSource, readonly holder: string, private readonly sessionLocks: SessionLocks | null = null) {}

  async acquire(name: string, ttlMs: number, now = new Date()): Promise<HeldLease | null> {
    let lock: SessionLock | null = null;
    if (this.sessionLocks && !this.locks.has(name)) {
      lock = await this.sessionLocks.tryLock(name);
      if (!lock) return null;
    }
    try {
      const held = await this.take(name, ttlMs, now, this.sessionLocks !== null);
      if (held && lock) this.locks.set(name, lock);
      else await lock?.release();
      return held;
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  private async take(name: string, ttlMs: number, now: Date, locked: boolean): Promise<HeldLease | null> {
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const taken = await this.db.createQueryBuilder().update(JobLease)
      .set({ holder: this.holder, expiresAt, acquiredAt: at })
      .where(locked ? 'name = :name' : 'name = :name AND (holder IS NULL OR holder = :holder OR expires_at < :at)', { name, holder: this.holder, at })
      .execute();
    if (taken.affected !== 1) {
      try {
        await this.db.getRepository(JobLease).insert({ name, holder: this.holder, expiresAt, acquiredAt: at, donePeriod: null });
      } catch (error) {
        if (await this.exists(name)) return null; // another instance holds it (or just took it)
        throw error;
      }
    }
    const row = await this.db.getRepository(JobLease).findOneBy({ name, holder: this.holder });
    return row ? { name, acquiredAt: row.acquiredAt, donePeriod: row.donePeriod } : null;
  }

  /** Extends a lease this instance holds; false when it lapsed and another instance took it. */
  async renew(name: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const result = await this.db.getRepository(JobLease).update({ name, holder: this.holder }, { expiresAt: new Date(now.getTime() + ttlMs).toISOString() });
    // Under a session lock the lease is this instance's until it lets go, whatever the row says.
    return result.affected === 1 || this.locks.has(name);
  }

  /** Frees a lease; with `donePeriod`, records that the work is done for that period. */
  async release(name: string, donePeriod?: string, now = new Date()): Promise<void> {
    try {
      await this.db.getRepository(JobLease).update({ name, holder: this.holder }, {
        holder: null, expiresAt: now.toISOString(), ...(donePeriod === undefined ? {} : { donePeriod }),
      });
    } finally {
      await this.unlock(name);
    }
  }

  private async unlock(name: string): Promise<void> {
    const lock = this.locks.get(name);
    this.locks.delete(name);
    await lock?.release();
  }

  /** Records, while holding the lease, that its work is done for `period`. */
  async markDone(name: string, period: string): Promise<void> {
    await this.db.getRepository(JobLease).update({ name, holder: this.holder }, { donePeriod: period });
  }

  /** The backoff of the work under a lease (failures in a row, when it may next be tried); null when its last run did not fail. */
  async retry(name: string): Promise<{ failures: number; nextAttempt: string } | null> {
    const row = await this.db.getRepository(JobLease).findOneBy({ name });
    return row?.retryAt ? { failures: row.failures, nextAttempt: row.retryAt } : null;
  }

  /** Records, while holding the lease, its work's backoff; null clears it (the work succeeded). */
  async setRetry(name: string, retry: { failures: number; nextAttempt: string } | null): Promise<void> {
    await this.db.getRepository(JobLease).update({ name, holder: this.holder }, retry ? { failures: retry.failures, retryAt: retry.nextAttempt } : { failures: 0, retryAt: null });
  }

  /** Removes a lease this instance holds (leases per file, once the file is done). */
  async drop(name: string): Promise<void> {
    try {
      await this.db.getRepository(JobLease).delete({ name, holder: this.holder });
    } finally {
      await this.unlock(name);
    }
  }

  /** Leases currently held (not released, not lapsed): for metrics. */
  async held(now = new Date()): Promise<{ name: string; holder: string; acquiredAt: string }[]> {
    const rows = await this.db.getRepository(JobLease).createQueryBuilder('l')
      .where('l.holder IS NOT NULL AND l.expires_at >= :at', { at: now.toISOString() }).getMany();
    return rows.map((r) => ({ name: r.name, holder: r.holder!, acquiredAt: r.acquiredAt }));
  }

  /** The lease as stored (held, free or lapsed), or null when there is none. */
  async peek(name: string): Promise<{ holder: string | null; acquiredAt: string; expiresAt: string; donePeriod: string | null } | null> {
    const row = await this.db.getRepository(JobLease).findOneBy({ name });
    return row ? { holder: row.holder, acquiredAt: row.acquiredAt, expiresAt: row.expiresAt, donePeriod: row.donePeriod } : null;
  }

  private async exists(name: string): Promise<boolean> {
    return (await this.db.getRepository(JobLease).countBy({ name })) > 0;
  }
}
