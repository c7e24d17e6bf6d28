import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ClaimedDispatch, DispatchStore, DueRow } from './dispatch.store';
import { TDSP_MESSAGE_TARGETS_PER_CALL } from '../soap/tdsp-han.types';
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

/** What the request behind dispatches does when the TDSP refused them or could not be reached. */
export type DispatchEndHandler = (dispatches: ClaimedDispatch[], outcome: 'refused' | 'failed', reason: string) => Promise<void>;


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
  private woken = false;
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

  /** New work was queued: look now rather than at the next poll (or right after the look in progress). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Claims and sends what is due, up to the free slots; returns how many calls were started. */
  async runOnce(now = new Date()): Promise<number> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    // The oldest due rows name the calls to make; a message's call then takes up to the contract's
    // limit of its request's rows (one per ESI ID).
    const heads = new Map<string, DueRow>();
    for (const row of await this.store.due(now, free)) heads.set(`${row.tdspDuns}\u0000${row.operation}\u0000${row.requestId}`, row);
    const calls: number[][] = [];
    for (const head of heads.values()) calls.push(await this.store.dueOf(head, now, TDSP_MESSAGE_TARGETS_PER_CALL));
    let started = 0;
    for (const ids of calls) {
      const claimed = await this.store.claim(ids, now, this.options.claimMs);
      if (claimed.length === 0) continue;
      const sending = this.send(claimed).finally(() => {
        this.inFlight.delete(sending);
        this.wake();
      });
      this.inFlight.add(sending);
      started++;
    }
    return started;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let started = 0;
      this.woken = false;
      try {
        started = await this.runOnce();
        if (started === 0 && Math.random() < 0.05) await this.store.releaseStale(new Date());
      } catch (error) {
        this.logger.error('tdsp: outbox poll failed', { error: errorMessage(error) });
      }
      if (started === 0 && !this.stopped && !this.woken) {
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

  private async send(dispatches: ClaimedDispatch[]): Promise<void> {
    const first = dispatches[0]!;
    const attempts = Math.max(...dispatches.map((d) => d.attempts));
    const context = { dispatchIds: dispatches.length > 1 ? `${first.id}..(${dispatches.length})` : first.id, requestId: first.requestId, operation: first.operation, tdspDuns: first.tdspDuns, attempt: attempts };
    let answer: { accepted: boolean; reason: string };
    try {
      answer = await this.client.send(first, dispatches.length > 1 ? dispatches.map((d) => d.message.target) : undefined);
    } catch (error) {
      await this.failed(dispatches, attempts, error, context);
      return;
    }
    if (answer.accepted) {
      this.lapsed(dispatches, await this.store.finish(dispatches, 'DONE', null, new Date()), context);
      this.logger.info('tdsp: dispatch accepted', context);
      return;
    }
    const refused = await this.store.finish(dispatches, 'REFUSED', answer.reason, new Date());
    this.lapsed(dispatches, refused, context);
    this.logger.warn('tdsp: dispatch refused by the TDSP', { ...context, reason: answer.reason });
    if (refused.length > 0) await this.ended(refused, 'refused', answer.reason, context);
  }

  /** Rows whose claim lapsed while the call ran are another worker's now: this attempt's outcome is not recorded for them. */
  private lapsed(claimed: ClaimedDispatch[], recorded: ClaimedDispatch[], context: Record<string, unknown>): void {
    if (recorded.length === claimed.length) return;
    this.logger.warn('tdsp: claim lapsed during the call; the dispatch went back to the queue and this outcome is not recorded', {
      ...context, lapsed: claimed.length - recorded.length,
    });
  }

  private async failed(dispatches: ClaimedDispatch[], attempts: number, error: unknown, context: Record<string, unknown>): Promise<void> {
    const reason = errorMessage(error);
    const retryable = error instanceof SoapTransportError;
    if (retryable && attempts < this.options.maxAttempts) {
      const delay = Math.min(MAX_RETRY_DELAY_MS, this.options.retryBaseMs * 2 ** (attempts - 1) * (0.8 + Math.random() * 0.4));
      this.lapsed(dispatches, await this.store.retryLater(dispatches, new Date(Date.now() + delay), reason, new Date()), context);
      this.logger.warn('tdsp: dispatch attempt failed; will retry', { ...context, error: reason, retryInMs: Math.round(delay) });
      return;
    }
    const why = retryable ? `the TDSP could not be reached after ${attempts} attempts (last: ${reason})` : `the dispatch failed: ${reason}`;
    const dead = await this.store.finish(dispatches, 'DEAD', why, new Date());
    this.lapsed(dispatches, dead, context);
    this.logger.error('tdsp: dispatch given up (dead letter)', { ...context, error: why });
    if (dead.length > 0) await this.ended(dead, 'failed', why, context);
  }

  private async ended(dispatches: ClaimedDispatch[], outcome: 'refused' | 'failed', reason: string, context: Record<string, unknown>): Promise<void> {
    try {
      await this.onEnd(dispatches[0]!.operation)?.(dispatches, outcome, reason);
    } catch (error) {
      this.logger.error('tdsp: recording the end of a dispatch failed', { ...context, error: errorMessage(error) });
    }
  }
}
