import fs from 'node:fs';
import { serveStreams } from '../core/thread-stream';
import type { LseFileOutcome, LseRecord } from './lse-record';
import { encodeRecordBatch, recordBatchBuffers, type LseRecordBatch } from './lse-record.batch';
import { LseReader } from './lse.reader';

export interface ParseRequest {
  filePath: string;
  /** Load time in Central Prevailing Time, YYYYMMDDHHMMSS (future-date check). */
  now: number;
  batchRecords: number;
}

/** Batches of records, each with the bytes read so far (progress); the file's outcome comes last. */
export type ParseItem = { batch: LseRecordBatch; bytesRead: number } | { outcome: LseFileOutcome };

async function* parse(request: ParseRequest): AsyncGenerator<ParseItem> {
  const reader = new LseReader(request.now);
  let batch: LseRecord[] = [];
  let bytesRead = 0;
  const stream = fs.createReadStream(request.filePath, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      bytesRead += (chunk as Buffer).length;
      for (const record of reader.push(chunk as Buffer)) {
        batch.push(record);
        if (batch.length >= request.batchRecords) {
          yield { batch: encodeRecordBatch(batch), bytesRead };
          batch = [];
        }
      }
    }
  } finally {
    stream.destroy();
  }
  const { records, outcome } = reader.end();
  batch.push(...records);
  if (batch.length > 0) yield { batch: encodeRecordBatch(batch), bytesRead };
  yield { outcome };
}

// A batch's columns are handed to the loading thread, not copied.
serveStreams(parse, (parsed) => ('batch' in parsed ? recordBatchBuffers(parsed.batch) : []));
