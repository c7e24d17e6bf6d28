import { serveStreams } from '../core/thread-stream';
import { reportChunks, type CsvChunk, type ReportJob, type ReportPart } from './report.generator';
import type { UsageSource } from './usage.source';

/** The database a report thread reads, through a connection of its own. */
export type ReportDatabase = { type: 'sqlite'; file: string } | { type: 'postgres'; url: string };

export interface ReportCsvRequest {
  database: ReportDatabase;
  job: ReportJob;
  part: ReportPart;
}

/** Builds a report's CSV in this thread; the connection lives as long as the report. */
async function* produce(request: ReportCsvRequest): AsyncGenerator<CsvChunk> {
  const source = await open(request.database, request.job.esiids);
  try {
    yield* reportChunks(source, request.job, request.part);
  } finally {
    await source.close();
  }
}

/** Each engine's module loads only in the threads that read it. */
async function open(database: ReportDatabase, esiids: readonly string[]): Promise<UsageSource> {
  if (database.type === 'sqlite') return new (await import('./sqlite-usage.source')).SqliteUsageSource(database.file);
  return (await import('./postgres-report.reader')).PostgresReportReader.open(database.url, esiids);
}

// Each chunk's bytes are handed to the reading thread, not copied.
serveStreams(produce, (chunk) => [chunk.csv.buffer as ArrayBuffer]);
