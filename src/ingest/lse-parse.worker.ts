import fs from 'node:fs';
import { serveStreams } from '../core/thread-stream';
import type { LseFileOutcome, LseRecord } from './lse-record';
import { LseReader } from './lse.reader';

export interface ParseRequest {
  filePath: string;
  /** Load time in Central Prevailing Time, YYYYMMDDHHMMSS (future-date check). */
  now: number;
  batchRecords: number;
}

/** Batches of records, each with the bytes read so far (progress); the file's outcome comes last. */
export type ParseItem = { records: LseRecord[]; bytesRead: number } | { outcome: LseFileOutcome };

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
          yield { records: batch, bytesRead };
          batch = [];
        }
      }
    }
  } finally {
    stream.destroy();
  }
  const { records, outcome } = reader.end();
  batch.push(...records);
  if (batch.length > 0) yield { records: batch, bytesRead };
  yield { outcome };
}

/**
 * Moves every record's values into one buffer that is handed over, not copied: a batch then
 * crosses to the loading thread as one ArrayBuffer instead of thousands.
 */
function packValues(item: ParseItem): ArrayBuffer[] {
  if (!('records' in item)) return [];
  let size = 0;
  for (const r of item.records) size += r.values.byteLength;
  const packed = new Uint8Array(size);
  let offset = 0;
  for (const r of item.records) {
    packed.set(r.values, offset);
    r.values = packed.subarray(offset, offset + r.values.byteLength);
    offset += r.values.byteLength;
  }
  return [packed.buffer];
}

serveStreams(parse, packValues);
