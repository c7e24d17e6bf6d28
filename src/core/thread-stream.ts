import { parentPort, type ResourceLimits, type Transferable, type Worker } from 'node:worker_threads';
import { rebuildError, toWireError, type WireError } from './thread-errors';
import { startThread } from './thread';

/**
 * Streams produced in a worker thread and consumed in the calling thread, with credit-based flow
 * control: the thread runs at most `ahead` items in front of the consumer, so a slow consumer
 * (a database, a disk) never piles up memory. One stream at a time per thread; abandoning a
 * stream cancels it in the thread.
 */
type ToThread<Req> =
  | { type: 'start'; id: number; request: Req; credit: number }
  | { type: 'more'; id: number }
  | { type: 'cancel'; id: number };
type FromThread<Item> =
  | { type: 'item'; id: number; item: Item }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; error: WireError };

export class StreamingThread<Req, Item> {
  private readonly worker: Worker;
  private listener: ((message: FromThread<Item>) => void) | null = null;
  private failure: Error | null = null;
  private nextId = 1;
  private readonly ahead: number;

  constructor(modulePath: string, options: { ahead?: number; resourceLimits?: ResourceLimits } = {}) {
    this.ahead = options.ahead ?? 4;
    this.worker = startThread(modulePath, options.resourceLimits);
    this.worker.on('message', (message: FromThread<Item>) => this.listener?.(message));
    this.worker.on('error', (error) => {
      this.failure = error;
      this.listener?.({ type: 'error', id: -1, error: { message: error.message } });
    });
  }

  /** False once the thread died (out of memory, say): it cannot serve another stream. */
  get healthy(): boolean {
    return this.failure === null;
  }

  async *stream(request: Req): AsyncGenerator<Item> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const queue: FromThread<Item>[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    this.listener = (message) => {
      if (message.id !== id && message.id !== -1) return;
      queue.push(message);
      wake?.();
    };
    this.send({ type: 'start', id, request, credit: this.ahead });
    try {
      for (;;) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const message = queue.shift()!;
        if (message.type === 'error') throw rebuildError(message.error);
        if (message.type === 'end') {
          finished = true;
          return;
        }
        yield message.item;
        this.send({ type: 'more', id });
      }
    } finally {
      this.listener = null;
      if (!finished) this.send({ type: 'cancel', id });
    }
  }

  private send(message: ToThread<Req>): void {
    this.worker.postMessage(message);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The thread side: answers each started stream with the items `produce` yields. */
export function serveStreams<Req, Item>(produce: (request: Req) => AsyncIterable<Item>, transferList: (item: Item) => Transferable[] = () => []): void {
  const port = parentPort!;
  let active = { id: -1, credit: 0, cancelled: true, wake: null as (() => void) | null };
  port.on('message', (message: ToThread<Req>) => {
    if (message.type === 'start') {
      active.cancelled = true;
      active.wake?.();
      const state = { id: message.id, credit: message.credit, cancelled: false, wake: null as (() => void) | null };
      active = state;
      run(message.request, state).catch((error) => port.postMessage({ type: 'error', id: state.id, error: toWireError(error) } satisfies FromThread<Item>));
      return;
    }
    if (message.id !== active.id) return;
    if (message.type === 'more') active.credit++;
    else active.cancelled = true;
    active.wake?.();
  });

  async function run(request: Req, state: typeof active): Promise<void> {
    for await (const item of produce(request)) {
      while (state.credit <= 0 && !state.cancelled) await new Promise<void>((resolve) => (state.wake = resolve));
      if (state.cancelled) return;
      state.credit--;
      port.postMessage({ type: 'item', id: state.id, item } satisfies FromThread<Item>, transferList(item));
    }
    if (!state.cancelled) port.postMessage({ type: 'end', id: state.id } satisfies FromThread<Item>);
  }
}
