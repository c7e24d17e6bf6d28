import path from 'node:path';
import { errorMessage, isSmtError } from '../core/errors';
import { StreamingThread } from '../core/thread-stream';
import type { ParseItem, ParseRequest } from './lse-parse.worker';
import type { LseFileOutcome } from './lse-record';
import type { LseRecordBatch } from './lse-record.batch';

export interface ParsedBatch {
  /** Kept in columns until it is loaded (decodeRecordBatch): files parsed ahead take less memory so. */
  batch: LseRecordBatch;
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
}

/**
 * A long-lived parser thread: a file is parsed there while the loading thread writes the previous
 * batch to the database. One file at a time; abandoning a parse cancels it.
 */
export class LseParserThread {
  // A whole file's batches may run ahead: the loader takes them all before it loads (see IngestService).
  private readonly thread = new StreamingThread<ParseRequest, ParseItem>(path.join(__dirname, `lse-parse.worker${path.extname(__filename)}`), { ahead: 64 });

  /** Yields batches of records; the file's outcome is passed to `done` after the last batch. */
  async *parse(filePath: string, now: number, batchRecords: number, done: (outcome: LseFileOutcome) => void): AsyncGenerator<ParsedBatch> {
    try {
      for await (const item of this.thread.stream({ filePath, now, batchRecords })) {
        if ('outcome' in item) done(item.outcome);
        else yield item;
      }
    } catch (error) {
      // An SmtError keeps its code (the CLI and the activity report show it as such); others get the file's name.
      if (isSmtError(error)) throw error;
      throw new Error(`parsing ${filePath}: ${errorMessage(error)}`);
    }
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

/**
 * Parser threads taken in turn, each created on first use. A run that parses N files ahead gets N
 * threads this way, and file i + N goes to the thread that parsed file i, which is free again.
 */
export class LseParserPool {
  private readonly threads: LseParserThread[] = [];
  private calls = 0;

  constructor(readonly size: number) {}

  next(): LseParserThread {
    const index = this.calls++ % this.size;
    return (this.threads[index] ??= new LseParserThread());
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
