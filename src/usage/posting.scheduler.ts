import { addDays, cptTimestamp, cptToday } from '../core/cpt';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { RetentionService } from '../delivery/retention.service';
import type { DailyPostingService } from './daily-posting.service';
import { BackingOff, backoffMs, memoryRetries, UnitFailed, type UnitRetries } from './unit-backoff';

export interface SchedulerOptions {
  /** HH:MM Central Prevailing Time: post yesterday by then even if a TDSP's files are missing. */
  postingTime: string;
  checkMs: number;
}

/**
 * Other once-a-day work the scheduler runs (partition upkeep, the Missing Consumption Reports, the
 * supplemental extract). With `units` (one per TDSP DUNS, say), each unit is run, leased, recorded
 * as done and retried on its own, so one unit's failure holds up none of the others. A unit (or a
 * job without units) that fails backs off: it is tried again one check interval later, then after
 * twice that, and so on up to an hour, until it succeeds.
 */
export interface DailyJob {
  name: string;
  /** HH:MM Central Prevailing Time from which it runs each day; default the posting time. */
  at?: string;
  units?(): Promise<string[]>;
  run(now: Date, unit?: string): Promise<unknown>;
}

/**
 * Runs a named piece of work so that, across every instance on the database, only one runs it at a
 * time, and (with a period) only once per period. Without it (one process), work simply runs.
 */
export type RunExclusive = <T>(name: string, work: () => Promise<T>, period?: string) => Promise<{ ran: true; result: T } | { ran: false; reason: 'held-elsewhere' | 'already-done' }>;

const runHere: RunExclusive = async (_name, work) => ({ ran: true as const, result: await work() });

/**
 * The morning routine: post the previous operating day as soon as every TDSP's files for it are
 * loaded (or at the configured time), then apply the retention period and the other daily jobs
 * once a day, whatever the postings did. With several instances, `exclusive` (leases) makes each
 * of these run on one instance at a time and each daily job once per operating day.
 */
export class PostingScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly doneOn = new Map<string, string>();

  constructor(
    private readonly postings: DailyPostingService,
    private readonly retention: RetentionService,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
    private readonly exclusive: RunExclusive = runHere,
    private readonly dailyJobs: DailyJob[] = [],
    private readonly retries: UnitRetries = memoryRetries(),
  ) {}

  start(): void {
    const tick = (): void => {
      this.running = this.tick(new Date())
        .catch((error) => void this.logger.error('scheduler: tick failed', { error: errorMessage(error) }))
        .then(() => {
          if (this.timer !== null) this.timer = setTimeout(tick, this.options.checkMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Postings, retention and each daily job are independent: a failure of one is logged, and the
   * others still run. A daily job runs at the first check past its time, so an instance that was
   * down at that time runs it when it starts (for today; the lease's record of the day done keeps
   * every instance from running it twice).
   */
  async tick(now: Date): Promise<void> {
    const today = cptToday(now);
    const pastPostingTime = isPast(now, this.options.postingTime);
    await this.exclusive('daily-posting', () => this.postYesterday(addDays(today, -1), pastPostingTime)).catch((error) => {
      this.logger.error('scheduler: daily posting failed; it is tried again at the next check', { error: errorMessage(error) });
    });
    const jobs: DailyJob[] = [{ name: 'retention', run: (at) => this.retention.run(at) }, ...this.dailyJobs];
    for (const job of jobs) {
      if (isPast(now, job.at ?? this.options.postingTime)) await this.runDaily(job, today, now);
    }
  }

  private async runDaily(job: DailyJob, today: string, now: Date): Promise<void> {
    if (this.doneOn.get(job.name) === today) return;
    let units: (string | undefined)[];
    try {
      units = job.units ? await job.units() : [undefined];
    } catch (error) {
      this.logger.error(`scheduler: ${job.name} failed; it is tried again at the next check`, { day: today, error: errorMessage(error) });
      return;
    }
    let settled = 0;
    let waiting = 0;
    for (const unit of units) {
      const scope = unit === undefined ? {} : { unit };
      const name = unit === undefined ? job.name : `${job.name}:${unit}`;
      try {
        const outcome = await this.exclusive(name, () => this.attempt(job, name, now, unit), today);
        if (outcome.ran) this.logger.info(`scheduler: ${job.name} applied`, { day: today, ...scope, ...(outcome.result as object) });
        // Run here, or already done today by another instance: either way, nothing more to do today.
        if (outcome.ran || outcome.reason === 'already-done') settled++;
      } catch (error) {
        if (error instanceof BackingOff) waiting++;
        else if (error instanceof UnitFailed) {
          this.logger.error(`scheduler: ${job.name} failed; it is tried again from nextAttempt`, {
            day: today, ...scope, error: errorMessage(error.cause), failures: error.retry.failures, nextAttempt: error.retry.nextAttempt,
          });
        } else this.logger.error(`scheduler: ${job.name} failed; it is tried again at the next check`, { day: today, ...scope, error: errorMessage(error) });
      }
    }
    if (settled === units.length) this.doneOn.set(job.name, today);
    // A check at which every unit left was waiting out its backoff did nothing, and says nothing.
    if (waiting < units.length - settled && (units.length > 1 || settled < units.length)) {
      this.logger.info(`scheduler: ${job.name} progress`, { day: today, units: units.length, done: settled, left: units.length - settled, waiting });
    }
  }

  /**
   * One unit's run under its lease: not before the end of its backoff; a failure doubles the
   * backoff (from one check interval up to an hour) and a success clears it.
   */
  private async attempt(job: DailyJob, name: string, now: Date, unit: string | undefined): Promise<unknown> {
    const retry = await this.retries.get(name);
    if (retry && now.toISOString() < retry.nextAttempt) throw new BackingOff(retry.nextAttempt);
    let result: unknown;
    try {
      result = await job.run(now, unit);
    } catch (error) {
      const failures = (retry?.failures ?? 0) + 1;
      const next = { failures, nextAttempt: new Date(now.getTime() + backoffMs(failures, this.options.checkMs)).toISOString() };
      await this.retries.set(name, next);
      throw new UnitFailed(error, next);
    }
    if (retry) await this.retries.set(name, null);
    return result;
  }

  /** Posts the day once every TDSP has sent it, or at the posting time; DUNS that failed are retried at the next check. */
  private async postYesterday(yesterday: string, pastPostingTime: boolean): Promise<void> {
    if (await this.postings.posted(yesterday)) return;
    if (!pastPostingTime && !(await this.postings.dayLoaded(yesterday))) return;
    const results = await this.postings.post(yesterday);
    const failed = results.filter((r) => r.status === 'failed').map((r) => r.duns);
    this.logger.info('scheduler: daily posting', { day: yesterday, queued: results.filter((r) => r.status === 'queued').length, failed });
  }
}

/** Whether `now` is at or past HH:MM Central Prevailing Time on its day. */
function isPast(now: Date, time: string): boolean {
  return String(cptTimestamp(now)).slice(8, 12) >= time.replace(':', '');
}
