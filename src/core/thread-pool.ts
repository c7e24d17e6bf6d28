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

interface Pending<Res> {
  resolve: (result: Res) => void;
  reject: (error: Error) => void;
}
interface Waiting<Req, Res> extends Pending<Res> {
  request: Req;
}
interface Slot<Res> {
  worker: Worker;
  ready: boolean;
  pending: Map<number, Pending<Res>>;
}

export class ThreadPool<Req, Res> {
  private readonly slots: Slot<Res>[] = [];
  private readonly waiting: Record<CallPriority, Waiting<Req, Res>[]> = { urgent: [], normal: [] };
  private nextId = 1;
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

  run(request: Req, priority: CallPriority = 'normal'): Promise<Res> {
    if (this.closed) return Promise.reject(new SmtError('INTERNAL', 'the thread pool is closed'));
    if (this.slots.length === 0) {
      return Promise.reject(new SmtError('INTERNAL', `the worker threads failed to start: ${this.startupFailure?.message}`));
    }
    return new Promise<Res>((resolve, reject) => {
      this.waiting[priority].push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Hands waiting calls, urgent ones first, to the threads that are free. */
  private pump(): void {
    for (const slot of this.slots) {
      if (slot.pending.size > 0) continue;
      const next = this.waiting.urgent.shift() ?? this.waiting.normal.shift();
      if (next === undefined) return;
      const id = this.nextId++;
      slot.pending.set(id, next);
      slot.worker.ref();
      slot.worker.postMessage({ id, request: next.request } satisfies ToThread<Req>);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    const closed = new SmtError('INTERNAL', 'the thread pool is closed');
    for (const slot of slots) this.failPending(slot, closed);
    for (const call of [...this.waiting.urgent.splice(0), ...this.waiting.normal.splice(0)]) call.reject(closed);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot<Res> {
    const slot: Slot<Res> = { worker: startThread(this.modulePath, this.options.resourceLimits), ready: false, pending: new Map() };
    // An idle pool must not keep the process alive; a thread with calls in flight does.
    slot.worker.unref();
    slot.worker.on('message', (message: FromThread<Res>) => {
      if (message.type === 'ready') {
        slot.ready = true;
        return;
      }
      const pending = slot.pending.get(message.id);
      if (pending === undefined) return;
      slot.pending.delete(message.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (message.type === 'result') pending.resolve(message.result);
      else pending.reject(rebuildError(message.error));
      this.pump();
    });
    slot.worker.on('error', (error) => this.replace(slot, error));
    slot.worker.on('exit', (code) => this.replace(slot, new Error(`the worker thread exited with code ${code}`)));
    return slot;
  }

  private replace(slot: Slot<Res>, error: Error): void {
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

  private failPending(slot: Slot<Res>, error: Error): void {
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
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
