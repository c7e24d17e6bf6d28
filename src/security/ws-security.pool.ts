import path from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import { SmtError } from '../core/errors';
import { ThreadPool, type CallPriority } from '../core/thread-pool';
import type { SigningCredentials } from './ws-security.signer';
import type { VerifiedMessage, VerifyOptions } from './ws-security.verifier';

/** Calls as they cross to the thread: dates travel as ISO strings. */
export type WsSecurityCall =
  | { op: 'verify'; message: string | Uint8Array; options: Omit<VerifyOptions, 'now'> & { now: string } }
  | { op: 'sign'; xml: string; credentials: SigningCredentials; now: string };
export type WsSecurityAnswer = string | (Omit<VerifiedMessage, 'expires'> & { expires: string });

export interface WsSecurityPoolOptions {
  /** Worker threads; default 2. */
  threads?: number;
  resourceLimits?: ResourceLimits;
  /** A verification still running after this long is abandoned and its thread replaced; default 2000. */
  verifyBudgetMs?: number;
}

export const DEFAULT_VERIFY_BUDGET_MS = 2000;

/**
 * Messages above this size may take long (a 2 MB, 50,000-ESI-ID request takes a few hundred ms):
 * they never hold every thread at once, so the small requests of everyone else, and the signing of
 * answers, always find a free thread. Ordinary requests and answers are a few KB.
 */
export const LARGE_MESSAGE_BYTES = 64 * 1024;

/**
 * WS-Security verification and signing in worker threads: xml-crypto is synchronous and a 2 MB
 * request takes seconds of CPU, which must not stall the other requests on the event loop. Each
 * thread takes one message at a time, so a 2 MB request holds up only its own thread, and large
 * messages only one thread less than all. A verification past its time budget is abandoned (its
 * thread is terminated and replaced) and fails with WSS_VERIFY_TIMEOUT.
 */
export class WsSecurityPool {
  private readonly pool: ThreadPool<WsSecurityCall, WsSecurityAnswer>;
  private readonly verifyBudgetMs: number;

  constructor(options: WsSecurityPoolOptions = {}) {
    const modulePath = path.join(__dirname, `ws-security.worker${path.extname(__filename)}`);
    this.pool = new ThreadPool(modulePath, { size: options.threads ?? 2, resourceLimits: options.resourceLimits });
    this.verifyBudgetMs = options.verifyBudgetMs ?? DEFAULT_VERIFY_BUDGET_MS;
  }

  /** `urgent` for messages of work already under way (TDSP calls and callbacks), so it finishes before new requests start. */
  /** Servers pass the bytes as received (a Buffer), so the encoding checks see what the client sent. */
  async verify(message: string | Uint8Array, options: VerifyOptions, priority: CallPriority = 'normal'): Promise<VerifiedMessage> {
    const budget = this.verifyBudgetMs;
    const answer = await this.pool.run({ op: 'verify', message, options: { ...options, now: options.now.toISOString() } }, {
      priority, large: byteLength(message) > LARGE_MESSAGE_BYTES, timeLimitMs: budget,
      timeLimitError: () => new SmtError('WSS_VERIFY_TIMEOUT', `the message took longer than ${budget} ms to verify and was abandoned; send smaller, simpler messages`),
    });
    if (typeof answer === 'string') throw new Error('unexpected answer from the WS-Security thread');
    return { ...answer, expires: new Date(answer.expires) };
  }

  async sign(xml: string, credentials: SigningCredentials, now: Date, priority: CallPriority = 'normal'): Promise<string> {
    const answer = await this.pool.run({ op: 'sign', xml, credentials, now: now.toISOString() }, { priority, large: xml.length > LARGE_MESSAGE_BYTES });
    if (typeof answer !== 'string') throw new Error('unexpected answer from the WS-Security thread');
    return answer;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function byteLength(message: string | Uint8Array): number {
  return typeof message === 'string' ? message.length : message.byteLength;
}
