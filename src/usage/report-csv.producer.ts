import path from 'node:path';
import { StreamingThread } from '../core/thread-stream';
import type { ReportCsvRequest } from './report-csv.worker';
import { reportChunks, type CsvChunk, type ReportJob } from './report.generator';
import type { UsageSource } from './usage.source';

/** Turns a report job into CSV chunks; where that work runs is the producer's business. */
export interface ReportCsvProducer {
  chunks(job: ReportJob): AsyncIterable<CsvChunk>;
  close(): Promise<void>;
}

/** Builds CSV in the calling thread (server databases, where the reads are asynchronous anyway). */
export class InProcessCsvProducer implements ReportCsvProducer {
  constructor(private readonly source: () => Promise<UsageSource>) {}

  async *chunks(job: ReportJob): AsyncIterable<CsvChunk> {
    yield* reportChunks(await this.source(), job);
  }

  async close(): Promise<void> {}
}

/**
 * Builds CSV in worker threads reading the embedded database, so CSV generation overlaps with
 * compression and encryption and the event loop stays free. Threads are kept for reuse.
 */
export class ThreadedCsvProducer implements ReportCsvProducer {
  private readonly idle: StreamingThread<ReportCsvRequest, CsvChunk>[] = [];
  private readonly all: StreamingThread<ReportCsvRequest, CsvChunk>[] = [];

  constructor(private readonly sqliteFile: string) {}

  async *chunks(job: ReportJob): AsyncIterable<CsvChunk> {
    const thread = this.idle.pop() ?? this.create();
    try {
      yield* thread.stream({ sqliteFile: this.sqliteFile, job });
    } finally {
      this.idle.push(thread);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((t) => t.close()));
  }

  private create(): StreamingThread<ReportCsvRequest, CsvChunk> {
    // A bounded heap: CSV building makes garbage fast, and an unbounded heap would grow to match.
    const thread = new StreamingThread<ReportCsvRequest, CsvChunk>(path.join(__dirname, `report-csv.worker${path.extname(__filename)}`), {
      resourceLimits: { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 16 },
    });
    this.all.push(thread);
    return thread;
  }
}
