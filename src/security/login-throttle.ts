import { Brackets, type DataSource } from 'typeorm';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { LoginFailure } from '../db/entities/login-failure.entity';
import { LoginLock } from '../db/entities/login-lock.entity';

export interface LoginThrottleOptions {
  /** Failures of one subject within the window that lock it. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  /** Failure rows and lock rows of addresses kept at most each; past it the oldest go at the next sweep (logged). */
  maxAddressRows: number;
  now: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: Omit<LoginThrottleOptions, 'now'> = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxAddressRows: 100_000 };
const SWEEP_INTERVAL_MS = 60_000;
const ADDRESS = 'address:';

/** What failures count against: a source address, or a participant (whatever name or DUNS it logged in with). */
export type ThrottleSubject = string;
export const addressSubject = (ip: string): ThrottleSubject => `${ADDRESS}${ip}`.slice(0, 80);
export const participantSubject = (participantId: number): ThrottleSubject => `participant:${participantId}`;

/**
 * Failed logins counted per subject in a sliding window, in the database (login_failure,
 * login_lock): every process on the database counts together and a restart forgets nothing. A
 * subject reaching the limit is locked for a while, even for the right password; its failures are
 * then forgotten, so it starts afresh when the lock ends. Which subjects a failure counts against is
 * the caller's policy (see FtpAccountsService). Rows expire and are purged about once a minute;
 * address rows are capped, since a flood from many addresses could otherwise grow them without bound
 * (participant rows are bounded by the participants: a locked subject gains no failures).
 */
export class LoginThrottle {
  private readonly options: LoginThrottleOptions;
  private lastSweep = 0;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly db: DataSource, private readonly logger: Logger, options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, now: Date.now, ...options };
  }

  /** The latest instant until which one of the subjects is locked, or null when none is. */
  async lockedUntil(subjects: readonly ThrottleSubject[]): Promise<Date | null> {
    const now = this.options.now();
    this.sweepNowAndThen(now);
    const row = await this.db.manager.createQueryBuilder(LoginLock, 'l').select('MAX(l.lockedUntil)', 'until')
      .where('l.subject IN (:...subjects)', { subjects }).andWhere('l.lockedUntil > :now', { now: iso(now) })
      .getRawOne<{ until: string | null }>();
    return row?.until ? new Date(row.until) : null;
  }

  /** Counts one failure against each subject; returns each one's failures in the window, and the lock it caused, if any. */
  async recordFailure(subjects: readonly ThrottleSubject[]): Promise<{ failures: Record<ThrottleSubject, number>; lockedUntil: Date | null }> {
    const now = this.options.now();
    this.sweepNowAndThen(now);
    await this.db.manager.insert(LoginFailure, subjects.map((subject) => ({ subject, failedAt: iso(now) })));
    const counted = await this.db.manager.createQueryBuilder(LoginFailure, 'f').select('f.subject', 'subject').addSelect('COUNT(*)', 'n')
      .where('f.subject IN (:...subjects)', { subjects }).andWhere('f.failedAt > :since', { since: iso(now - this.options.windowMs) })
      .groupBy('f.subject').getRawMany<{ subject: string; n: string | number }>();
    const failures = Object.fromEntries(counted.map((c) => [c.subject, Number(c.n)]));
    const reached = subjects.filter((s) => (failures[s] ?? 0) >= this.options.maxFailures);
    if (reached.length === 0) return { failures, lockedUntil: null };
    const until = now + this.options.lockMs;
    await this.db.manager.insert(LoginLock, reached.map((subject) => ({ subject, lockedUntil: iso(until) })));
    await this.db.manager.createQueryBuilder().delete().from(LoginFailure).where('subject IN (:...reached)', { reached }).execute();
    return { failures, lockedUntil: new Date(until) };
  }

  /** A successful login forgets the subject's failures (the participant's; an address keeps its count). */
  async recordSuccess(subject: ThrottleSubject): Promise<void> {
    await this.db.manager.delete(LoginFailure, { subject });
  }

  /** Purges failures past the window and locks past their end, then holds address rows to the cap. */
  async sweep(): Promise<void> {
    const now = this.options.now();
    await this.db.manager.createQueryBuilder().delete().from(LoginFailure).where('failed_at <= :since', { since: iso(now - this.options.windowMs) }).execute();
    await this.db.manager.createQueryBuilder().delete().from(LoginLock).where('locked_until <= :now', { now: iso(now) }).execute();
    await this.capAddressRows(LoginFailure, 'failedAt', 'failed_at');
    await this.capAddressRows(LoginLock, 'lockedUntil', 'locked_until');
  }

  /** Waits for a sweep under way (before the database closes). */
  async close(): Promise<void> {
    await this.sweeping;
  }

  /** Drops the oldest address rows past the cap; participants' rows are never dropped this way. */
  private async capAddressRows(entity: typeof LoginFailure | typeof LoginLock, property: string, column: string): Promise<void> {
    const isAddress = new Brackets((w) => w.where('r.subject LIKE :prefix', { prefix: `${ADDRESS}%` }));
    const rows = await this.db.manager.createQueryBuilder(entity, 'r').where(isAddress).getCount();
    if (rows <= this.options.maxAddressRows) return;
    const edge = await this.db.manager.createQueryBuilder(entity, 'r').select(`r.${property}`, 'at').where(isAddress)
      .orderBy(`r.${property}`, 'DESC').offset(this.options.maxAddressRows).limit(1).getRawOne<{ at: string }>();
    if (!edge) return;
    const result = await this.db.manager.createQueryBuilder().delete().from(entity)
      .where('subject LIKE :prefix', { prefix: `${ADDRESS}%` }).andWhere(`${column} <= :at`, { at: edge.at }).execute();
    this.logger.warn('ftps: login throttle rows of addresses dropped over the cap (a flood of failed logins from many addresses)', {
      table: this.db.getMetadata(entity).tableName, rows, dropped: result.affected ?? null, maxAddressRows: this.options.maxAddressRows,
    });
  }

  private sweepNowAndThen(now: number): void {
    if (this.sweeping || now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    this.sweeping = this.sweep().then(() => undefined, (error: unknown) => {
      if (this.db.isInitialized) this.logger.warn('ftps: login throttle rows could not be purged', { error: errorMessage(error) });
    }).finally(() => (this.sweeping = null));
  }
}

/** ISO 8601 UTC: 24 characters from 1970 to 9999, so text order is time order. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}
