import { addDays, cptTimestamp, cptToday } from '../core/cpt';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { RetentionService } from '../delivery/retention.service';
import type { DailyPostingService } from './daily-posting.service';

export interface SchedulerOptions {
  /** HH:MM Central Prevailing Time: post yesterday by then even if a TDSP's files are missing. */
  postingTime: string;
  checkMs: number;
}

/**
 * Other once-a-day work the scheduler runs (partition upkeep, the Missing Consumption Reports, the
 * supplemental extract). With `units` (one per TDSP DUNS, say), each unit is run, leased, recorded
 * as done and retried on its own, so one unit's failure holds up none of the others.
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
    for (const unit of units) {
      const scope = unit === undefined ? {} : { unit };
      try {
        const outcome = await this.exclusive(unit === undefined ? job.name : `${job.name}:${unit}`, () => job.run(now, unit), today);
        if (outcome.ran) this.logger.info(`scheduler: ${job.name} applied`, { day: today, ...scope, ...(outcome.result as object) });
        // Run here, or already done today by another instance: either way, nothing more to do today.
        if (outcome.ran || outcome.reason === 'already-done') settled++;
      } catch (error) {
        this.logger.error(`scheduler: ${job.name} failed; it is tried again at the next check`, { day: today, ...scope, error: errorMessage(error) });
      }
    }
    if (settled === units.length) this.doneOn.set(job.name, today);
    if (units.length > 1 || settled < units.length) {
      this.logger.info(`scheduler: ${job.name} progress`, { day: today, units: units.length, done: settled, left: units.length - settled });
    }
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
