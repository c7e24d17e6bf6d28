import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../core/errors';
import type { LseFileOutcome, LseRecord } from './lse-record';
import { LseReader } from './lse.reader';

/** Messages between the ingest (main thread) and this parser thread; `id` names one file's parse. */
export type ParseRequest =
  | { type: 'parse'; id: number; filePath: string; now: number; batchRecords: number; credit: number }
  | { type: 'more'; id: number }
  | { type: 'cancel'; id: number };
export type ParseReply =
  | { type: 'records'; id: number; records: LseRecord[]; bytesRead: number }
  | { type: 'end'; id: number; outcome: LseFileOutcome }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
let active = { id: -1, credit: 0, cancelled: false, wake: null as (() => void) | null };

port.on('message', (message: ParseRequest) => {
  if (message.type === 'parse') {
    active.cancelled = true;
    active.wake?.();
    active = { id: message.id, credit: message.credit, cancelled: false, wake: null };
    const state = active;
    parse(message, state).catch((error) => port.postMessage({ type: 'error', id: message.id, message: errorMessage(error) } satisfies ParseReply));
    return;
  }
  if (message.id !== active.id) return;
  if (message.type === 'more') active.credit++;
  else active.cancelled = true;
  active.wake?.();
});

type ParseState = typeof active;

/** Waits until the loader has room for another batch, so a slow database never piles up memory. */
async function acquire(state: ParseState): Promise<boolean> {
  while (state.credit <= 0 && !state.cancelled) await new Promise<void>((resolve) => (state.wake = resolve));
  state.credit--;
  return !state.cancelled;
}

async function parse(request: Extract<ParseRequest, { type: 'parse' }>, state: ParseState): Promise<void> {
  const reader = new LseReader(request.now);
  let batch: LseRecord[] = [];
  let bytesRead = 0;
  const send = async (): Promise<boolean> => {
    if (!(await acquire(state))) return false;
    const packed = packValues(batch);
    port.postMessage({ type: 'records', id: request.id, records: batch, bytesRead } satisfies ParseReply, [packed]);
    batch = [];
    return true;
  };
  const stream = fs.createReadStream(request.filePath, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      bytesRead += (chunk as Buffer).length;
      for (const record of reader.push(chunk as Buffer)) {
        batch.push(record);
        if (batch.length >= request.batchRecords && !(await send())) return;
      }
    }
  } finally {
    stream.destroy();
  }
  const { records, outcome } = reader.end();
  batch.push(...records);
  if (batch.length > 0 && !(await send())) return;
  port.postMessage({ type: 'end', id: request.id, outcome } satisfies ParseReply);
}

/**
 * Moves every record's values into one buffer that is handed over, not copied: a batch then
 * crosses to the main thread as one ArrayBuffer instead of thousands.
 */
function packValues(records: LseRecord[]): ArrayBuffer {
  let size = 0;
  for (const r of records) size += r.values.byteLength;
  const packed = new Uint8Array(size);
  let offset = 0;
  for (const r of records) {
    packed.set(r.values, offset);
    r.values = packed.subarray(offset, offset + r.values.byteLength);
    offset += r.values.byteLength;
  }
  return packed.buffer;
}
