import { parentPort, type ResourceLimits, type Worker } from 'node:worker_threads';
import { SmtError } from './errors';
import { rebuildError, toWireError, type WireError } from './thread-errors';
import { startThread } from './thread';

/**
 * Request/response calls into a few worker threads, for CPU-bound work that must not block the
 * event loop. Calls wait in this thread and each worker takes one at a time, so a huge call holds up
 * only its own thread, and urgent calls overtake normal ones still waiting. SmtError does not survive
 * the structured clone between threads as a class, so errors cross as {code, message, details} and
 * are rebuilt here with the same code. A thread that dies fails its own call and is replaced.
 * A call may carry a time limit: past it the thread is terminated (synchronous work cannot be
 * interrupted otherwise) and replaced, and the call fails. Large calls never hold every thread:
 * at most size - 1 of them run at once, so small calls always find a thread within their own time.
 */
type ToThread<Req> = { id: number; request: Req };
type FromThread<Res> =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: Res }
  | { type: 'error'; id: number; error: WireError };

export interface ThreadPoolOptions {
  /** Number of threads; default 2. */
  size?: number;
  resourceLimits?: ResourceLimits;
}

/** `urgent` calls finish work already under way (e.g. a request being passed on); `normal` ones start new work. */
export type CallPriority = 'urgent' | 'normal';

export interface CallOptions {
  priority?: CallPriority;
  /** A call that may take long (a large message): such calls never occupy every thread at once. */
  large?: boolean;
  /** Longest the call may run on its thread before it is abandoned and the thread replaced. */
  timeLimitMs?: number;
  /** The error an abandoned call fails with. */
  timeLimitError?: () => Error;
}

interface Waiting<Req, Res> {
  request: Req;
  options: CallOptions;
  resolve: (result: Res) => void;
  reject: (error: Error) => void;
}
interface Running<Req, Res> extends Waiting<Req, Res> {
  id: number;
  timer: NodeJS.Timeout | null;
}
interface Slot<Req, Res> {
  worker: Worker;
  ready: boolean;
  call: Running<Req, Res> | null;
}

export class ThreadPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly waiting: Record<CallPriority, Waiting<Req, Res>[]> = { urgent: [], normal: [] };
  private nextId = 1;
  private largeRunning = 0;
  private closed = false;
  private startupFailure: Error | null = null;

  constructor(
    private readonly modulePath: string,
    private readonly options: ThreadPoolOptions = {},
  ) {
    const size = options.size ?? 2;
    if (!Number.isInteger(size) || size < 1) throw new SmtError('CONFIG_INVALID', `thread pool size must be a positive integer, not ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  run(request: Req, options: CallPriority | CallOptions = 'normal'): Promise<Res> {
    const call: CallOptions = typeof options === 'string' ? { priority: options } : options;
    if (this.closed) return Promise.reject(new SmtError('INTERNAL', 'the thread pool is closed'));
    if (this.slots.length === 0) {
      return Promise.reject(new SmtError('INTERNAL', `the worker threads failed to start: ${this.startupFailure?.message}`));
    }
    return new Promise<Res>((resolve, reject) => {
      this.waiting[call.priority ?? 'normal'].push({ request, options: call, resolve, reject });
      this.pump();
    });
  }

  /** Hands waiting calls, urgent ones first, to the threads that are started and free. */
  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.call !== null) continue;
      const next = this.take();
      if (next === undefined) return;
      const running: Running<Req, Res> = { ...next, id: this.nextId++, timer: null };
      slot.call = running;
      if (next.options.large) this.largeRunning++;
      if (next.options.timeLimitMs !== undefined) running.timer = setTimeout(() => this.abandon(slot, running), next.options.timeLimitMs);
      slot.worker.ref();
      slot.worker.postMessage({ id: running.id, request: next.request } satisfies ToThread<Req>);
    }
  }

  /** The first waiting call that may start: large calls only while fewer than size - 1 of them run. */
  private take(): Waiting<Req, Res> | undefined {
    const largeAllowed = this.largeRunning < Math.max(1, this.slots.length - 1);
    for (const queue of [this.waiting.urgent, this.waiting.normal]) {
      const index = queue.findIndex((call) => largeAllowed || !call.options.large);
      if (index !== -1) return queue.splice(index, 1)[0];
    }
    return undefined;
  }

  /** Takes the running call off its slot, so nothing else answers or fails it. */
  private finish(slot: Slot<Req, Res>): Running<Req, Res> | null {
    const call = slot.call;
    if (call === null) return null;
    slot.call = null;
    if (call.timer !== null) clearTimeout(call.timer);
    if (call.options.large) this.largeRunning--;
    slot.worker.unref();
    return call;
  }

  /** Past its time limit: the thread cannot be interrupted, so it is terminated and a new one takes its place. */
  private abandon(slot: Slot<Req, Res>, call: Running<Req, Res>): void {
    if (slot.call !== call) return;
    this.finish(slot);
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots[index] = this.spawn();
    void slot.worker.terminate();
    call.reject(call.options.timeLimitError?.() ?? new SmtError('INTERNAL', `a thread call ran past its ${call.options.timeLimitMs} ms limit`));
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    const closed = new SmtError('INTERNAL', 'the thread pool is closed');
    for (const slot of slots) this.failPending(slot, closed);
    for (const call of [...this.waiting.urgent.splice(0), ...this.waiting.normal.splice(0)]) call.reject(closed);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot<Req, Res> {
    const slot: Slot<Req, Res> = { worker: startThread(this.modulePath, this.options.resourceLimits), ready: false, call: null };
    // An idle pool must not keep the process alive; a thread with calls in flight does.
    slot.worker.unref();
    slot.worker.on('message', (message: FromThread<Res>) => {
      if (message.type === 'ready') {
        slot.ready = true;
        this.pump();
        return;
      }
      if (slot.call?.id !== message.id) return;
      const call = this.finish(slot)!;
      if (message.type === 'result') call.resolve(message.result);
      else call.reject(rebuildError(message.error));
      this.pump();
    });
    slot.worker.on('error', (error) => this.replace(slot, error));
    slot.worker.on('exit', (code) => this.replace(slot, new Error(`the worker thread exited with code ${code}`)));
    return slot;
  }

  private replace(slot: Slot<Req, Res>, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.failPending(slot, new SmtError('INTERNAL', `a worker thread failed: ${error.message}`));
    if (slot.ready) {
      this.slots[index] = this.spawn();
      this.pump();
    } else {
      // Failing before it was ready means the module cannot load: respawning would only loop.
      this.startupFailure = error;
      this.slots.splice(index, 1);
      if (this.slots.length === 0) {
        const failed = new SmtError('INTERNAL', `the worker threads failed to start: ${error.message}`);
        for (const call of [...this.waiting.urgent.splice(0), ...this.waiting.normal.splice(0)]) call.reject(failed);
      }
    }
  }

  private failPending(slot: Slot<Req, Res>, error: Error): void {
    this.finish(slot)?.reject(error);
  }
}

/** The thread side: answers every call with what `handle` returns or throws. */
export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveRequests must run in a worker thread');
  port.on('message', async (message: ToThread<Req>) => {
    let reply: FromThread<Res>;
    try {
      reply = { type: 'result', id: message.id, result: await handle(message.request) };
    } catch (error) {
      reply = { type: 'error', id: message.id, error: toWireError(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies FromThread<Res>);
}
