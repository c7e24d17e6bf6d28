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
 * The morning routine: post the previous operating day as soon as every TDSP's files for it are
 * loaded (or at the configured time), then apply the retention period once a day, whatever the
 * postings did.
 */
export class PostingScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private retainedOn: string | null = null;

  constructor(
    private readonly postings: DailyPostingService,
    private readonly retention: RetentionService,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
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

  /** Postings and retention are independent: a failure of one is logged, and the other still runs. */
  async tick(now: Date): Promise<void> {
    const today = cptToday(now);
    const pastPostingTime = String(cptTimestamp(now)).slice(8, 12) >= this.options.postingTime.replace(':', '');
    await this.postYesterday(addDays(today, -1), pastPostingTime).catch((error) => {
      this.logger.error('scheduler: daily posting failed; it is tried again at the next check', { error: errorMessage(error) });
    });
    if (pastPostingTime && this.retainedOn !== today) {
      this.retainedOn = today;
      try {
        const r = await this.retention.run(now);
        this.logger.info('scheduler: retention applied', { ...r });
      } catch (error) {
        this.retainedOn = null;
        this.logger.error('scheduler: retention failed; it is tried again at the next check', { error: errorMessage(error) });
      }
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
