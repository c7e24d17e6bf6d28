import path from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
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
}

/**
 * WS-Security verification and signing in worker threads: xml-crypto is synchronous and a 2 MB
 * request takes seconds of CPU, which must not stall the other requests on the event loop. Each
 * thread takes one message at a time, so a 2 MB request holds up only its own thread.
 */
export class WsSecurityPool {
  private readonly pool: ThreadPool<WsSecurityCall, WsSecurityAnswer>;

  constructor(options: WsSecurityPoolOptions = {}) {
    const modulePath = path.join(__dirname, `ws-security.worker${path.extname(__filename)}`);
    this.pool = new ThreadPool(modulePath, { size: options.threads ?? 2, resourceLimits: options.resourceLimits });
  }

  /** `urgent` for messages of work already under way (TDSP calls and callbacks), so it finishes before new requests start. */
  /** Servers pass the bytes as received (a Buffer), so the encoding checks see what the client sent. */
  async verify(message: string | Uint8Array, options: VerifyOptions, priority: CallPriority = 'normal'): Promise<VerifiedMessage> {
    const answer = await this.pool.run({ op: 'verify', message, options: { ...options, now: options.now.toISOString() } }, priority);
    if (typeof answer === 'string') throw new Error('unexpected answer from the WS-Security thread');
    return { ...answer, expires: new Date(answer.expires) };
  }

  async sign(xml: string, credentials: SigningCredentials, now: Date, priority: CallPriority = 'normal'): Promise<string> {
    const answer = await this.pool.run({ op: 'sign', xml, credentials, now: now.toISOString() }, priority);
    if (typeof answer !== 'string') throw new Error('unexpected answer from the WS-Security thread');
    return answer;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
