import { serveStreams } from '../core/thread-stream';
import { reportChunks, type CsvChunk, type ReportJob, type ReportPart } from './report.generator';
import { SqliteUsageSource } from './sqlite-usage.source';

export interface ReportCsvRequest {
  sqliteFile: string;
  job: ReportJob;
  part: ReportPart;
}

/** Builds a report's CSV in this thread, reading the embedded database through its own connection. */
async function* produce(request: ReportCsvRequest): AsyncGenerator<CsvChunk> {
  const source = new SqliteUsageSource(request.sqliteFile);
  try {
    yield* reportChunks(source, request.job, request.part);
  } finally {
    await source.close();
  }
}

// Each chunk's bytes are handed to the reading thread, not copied.
serveStreams(produce, (chunk) => [chunk.csv.buffer as ArrayBuffer]);
