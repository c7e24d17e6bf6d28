import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../core/thread';
import type { ParseReply, ParseRequest } from './lse-parse.worker';
import type { LseFileOutcome, LseRecord } from './lse-record';

const BATCHES_AHEAD = 4;

export interface ParsedBatch {
  records: LseRecord[];
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
}

/**
 * A long-lived parser thread: a file is parsed there while the main thread writes the previous
 * batch to the database. One file at a time; abandoning a parse cancels it.
 */
export class LseParserThread {
  private readonly worker: Worker;
  private listener: ((reply: ParseReply) => void) | null = null;
  private failure: Error | null = null;
  private nextId = 1;

  constructor() {
    this.worker = startThread(path.join(__dirname, `lse-parse.worker${path.extname(__filename)}`));
    this.worker.on('message', (reply: ParseReply) => this.listener?.(reply));
    this.worker.on('error', (error) => {
      this.failure = error;
      this.listener?.({ type: 'error', id: -1, message: error.message });
    });
  }

  /** Yields batches of records; the file's outcome is passed to `done` after the last batch. */
  async *parse(filePath: string, now: number, batchRecords: number, done: (outcome: LseFileOutcome) => void): AsyncGenerator<ParsedBatch> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const queue: ParseReply[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    this.listener = (reply) => {
      if (reply.id !== id && reply.id !== -1) return;
      queue.push(reply);
      wake?.();
    };
    this.send({ type: 'parse', id, filePath, now, batchRecords, credit: BATCHES_AHEAD });
    try {
      for (;;) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const reply = queue.shift()!;
        if (reply.type === 'error') throw new Error(`parsing ${filePath}: ${reply.message}`);
        if (reply.type === 'end') {
          finished = true;
          return done(reply.outcome);
        }
        yield { records: reply.records, bytesRead: reply.bytesRead };
        this.send({ type: 'more', id });
      }
    } finally {
      this.listener = null;
      if (!finished) this.send({ type: 'cancel', id });
    }
  }

  private send(message: ParseRequest): void {
    this.worker.postMessage(message);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
