import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ClaimedDispatch, DispatchStore } from './dispatch.store';
import type { TdspClient } from './tdsp.client';
import { SoapTransportError } from './signed-soap.client';

export interface DispatchWorkerOptions {
  /** Calls in flight at once. */
  concurrency: number;
  /** Attempts before a dispatch goes to the dead-letter state. */
  maxAttempts: number;
  /** The first retry waits this long; each further one twice as long (with jitter), up to an hour. */
  retryBaseMs: number;
  /** How long a claim lasts: longer than a call's timeout. */
  claimMs: number;
  pollMs: number;
}

/** What the request behind a dispatch does when the TDSP refused it or could not be reached. */
export type DispatchEndHandler = (requestId: string, outcome: 'refused' | 'failed', reason: string) => Promise<void>;

const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * Sends the outbox to the TDSPs: retries network errors, timeouts and server faults with backoff,
 * never retries a refusal, and gives up (dead letter) after the configured attempts. Every attempt
 * is logged.
 */
export class DispatchWorker {
  private stopped = true;
  private loop: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: DispatchStore,
    private readonly client: TdspClient,
    private readonly onEnd: (operation: string) => DispatchEndHandler | undefined,
    private readonly logger: Logger,
    private readonly options: DispatchWorkerOptions,
  ) {}

  async start(): Promise<void> {
    const released = await this.store.releaseStale(new Date());
    if (released > 0) this.logger.warn('tdsp: re-queued dispatches whose worker stopped', { dispatches: released });
    this.stopped = false;
    this.loop = this.run();
  }

  /** New work was queued: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Claims and sends what is due, up to the free slots; returns how many were started. */
  async runOnce(now = new Date()): Promise<number> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const claimed = await this.store.claim(now, free, this.options.claimMs);
    for (const dispatch of claimed) {
      const sending = this.send(dispatch).finally(() => {
        this.inFlight.delete(sending);
        this.wake();
      });
      this.inFlight.add(sending);
    }
    return claimed.length;
  }

  /** Sends everything due until the outbox is empty (for tests and one-shot runs). */
  async drain(): Promise<void> {
    while ((await this.runOnce()) > 0 || this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let started = 0;
      try {
        started = await this.runOnce();
        if (started === 0 && Math.random() < 0.05) await this.store.releaseStale(new Date());
      } catch (error) {
        this.logger.error('tdsp: outbox poll failed', { error: errorMessage(error) });
      }
      if (started === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    }
  }

  private async send(dispatch: ClaimedDispatch): Promise<void> {
    const context = { dispatchId: dispatch.id, requestId: dispatch.requestId, operation: dispatch.operation, tdspDuns: dispatch.tdspDuns, attempt: dispatch.attempts };
    let answer: { accepted: boolean; reason: string };
    try {
      answer = await this.client.send(dispatch);
    } catch (error) {
      await this.failed(dispatch, error, context);
      return;
    }
    if (answer.accepted) {
      await this.store.finish(dispatch, 'DONE', null, new Date());
      this.logger.info('tdsp: dispatch accepted', context);
      return;
    }
    await this.store.finish(dispatch, 'REFUSED', answer.reason, new Date());
    this.logger.warn('tdsp: dispatch refused by the TDSP', { ...context, reason: answer.reason });
    await this.ended(dispatch, 'refused', answer.reason, context);
  }

  private async failed(dispatch: ClaimedDispatch, error: unknown, context: Record<string, unknown>): Promise<void> {
    const reason = errorMessage(error);
    const retryable = error instanceof SoapTransportError;
    if (retryable && dispatch.attempts < this.options.maxAttempts) {
      const delay = Math.min(MAX_RETRY_DELAY_MS, this.options.retryBaseMs * 2 ** (dispatch.attempts - 1)) * (0.8 + Math.random() * 0.4);
      await this.store.retryLater(dispatch, new Date(Date.now() + delay), reason, new Date());
      this.logger.warn('tdsp: dispatch attempt failed; will retry', { ...context, error: reason, retryInMs: Math.round(delay) });
      return;
    }
    const why = retryable ? `the TDSP could not be reached after ${dispatch.attempts} attempts (last: ${reason})` : `the dispatch failed: ${reason}`;
    await this.store.finish(dispatch, 'DEAD', why, new Date());
    this.logger.error('tdsp: dispatch given up (dead letter)', { ...context, error: why });
    await this.ended(dispatch, 'failed', why, context);
  }

  private async ended(dispatch: ClaimedDispatch, outcome: 'refused' | 'failed', reason: string, context: Record<string, unknown>): Promise<void> {
    try {
      await this.onEnd(dispatch.operation)?.(dispatch.requestId, outcome, reason);
    } catch (error) {
      this.logger.error('tdsp: recording the end of a dispatch failed', { ...context, error: errorMessage(error) });
    }
  }
}
