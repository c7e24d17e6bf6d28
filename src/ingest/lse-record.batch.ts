import type { DayChannel } from './ingest.store';
import type { LseRecord } from './lse-record';
import type { RecordCode } from './result-codes';

/**
 * A batch of parsed records laid out in columns for the trip from the parser thread: numbers in
 * typed arrays and the values in one buffer (all handed over, not copied), ESI IDs and other
 * per-record text in plain string arrays, and the few distinct days, DUNS, origins and codes of a
 * file once each, by index. A structured clone of 50,000 record objects cost the parser thread
 * and the loading thread about 2 µs a record each; this costs a fraction of that, and the loading
 * thread gets records of one shape, with the same string for the same day or DUNS.
 */
export interface LseRecordBatch {
  count: number;
  line: Int32Array;
  /** -1 where the record has none. */
  channel: Int8Array;
  /** NaN where the record has none. */
  version: Float64Array;
  intervalCount: Uint8Array;
  /** Every record's packed values, one after the other (intervalCount × 4 bytes each). */
  values: Uint8Array;
  esiid: (string | null)[];
  transactionId: (string | null)[];
  startReading: (string | null)[];
  stopReading: (string | null)[];
  /** Indexes into `words`, -1 for none. */
  operatingDay: Int32Array;
  origin: Int32Array;
  senderDuns: Int32Array;
  repDuns: Int32Array;
  code: Int32Array;
  words: string[];
  /** The reasons of records that have one, by record index. */
  reasons: Record<number, string>;
}

/** Lays records out as a batch. */
export function encodeRecordBatch(records: LseRecord[]): LseRecordBatch {
  const n = records.length;
  let valueBytes = 0;
  for (let i = 0; i < n; i++) valueBytes += records[i].values.byteLength;
  const batch: LseRecordBatch = {
    count: n, line: new Int32Array(n), channel: new Int8Array(n), version: new Float64Array(n), intervalCount: new Uint8Array(n),
    values: new Uint8Array(valueBytes), esiid: new Array(n), transactionId: new Array(n), startReading: new Array(n), stopReading: new Array(n),
    operatingDay: new Int32Array(n), origin: new Int32Array(n), senderDuns: new Int32Array(n), repDuns: new Int32Array(n), code: new Int32Array(n),
    words: [], reasons: {},
  };
  const wordIndex = new Map<string, number>();
  const word = (text: string | null): number => {
    if (text === null) return -1;
    let index = wordIndex.get(text);
    if (index === undefined) {
      index = batch.words.push(text) - 1;
      wordIndex.set(text, index);
    }
    return index;
  };
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    batch.line[i] = r.line;
    batch.channel[i] = r.channel ?? -1;
    batch.version[i] = r.version ?? NaN;
    batch.intervalCount[i] = r.intervalCount;
    batch.values.set(r.values, offset);
    offset += r.values.byteLength;
    batch.esiid[i] = r.esiid;
    batch.transactionId[i] = r.transactionId;
    batch.startReading[i] = r.startReading;
    batch.stopReading[i] = r.stopReading;
    batch.operatingDay[i] = word(r.operatingDay);
    batch.origin[i] = word(r.origin);
    batch.senderDuns[i] = word(r.senderDuns);
    batch.repDuns[i] = word(r.repDuns);
    batch.code[i] = word(r.code);
    if (r.reason !== null) batch.reasons[i] = r.reason;
  }
  return batch;
}

/** The buffers to hand over (not copy) when the batch is posted to another thread. */
export function recordBatchBuffers(b: LseRecordBatch): ArrayBuffer[] {
  return [b.line, b.channel, b.version, b.intervalCount, b.values, b.operatingDay, b.origin, b.senderDuns, b.repDuns, b.code].map((column) => column.buffer as ArrayBuffer);
}

/** The records of a batch; their values are views into the batch's one buffer. */
export function decodeRecordBatch(batch: LseRecordBatch): LseRecord[] {
  const { words } = batch;
  const word = (index: number): string | null => (index < 0 ? null : words[index]);
  const records = new Array<LseRecord>(batch.count);
  let offset = 0;
  for (let i = 0; i < batch.count; i++) {
    const intervalCount = batch.intervalCount[i];
    const channel = batch.channel[i];
    const version = batch.version[i];
    records[i] = {
      line: batch.line[i],
      esiid: batch.esiid[i],
      channel: channel < 0 ? null : channel,
      operatingDay: word(batch.operatingDay[i]),
      version: Number.isNaN(version) ? null : version,
      origin: word(batch.origin[i]),
      transactionId: batch.transactionId[i],
      startReading: batch.startReading[i],
      stopReading: batch.stopReading[i],
      senderDuns: word(batch.senderDuns[i]),
      repDuns: word(batch.repDuns[i]),
      intervalCount,
      values: batch.values.subarray(offset, offset + intervalCount * 4),
      code: words[batch.code[i]] as RecordCode,
      reason: batch.reasons[i] ?? null,
    };
    offset += intervalCount * 4;
  }
  return records;
}

/** The distinct days and channels of the batches' records that parsed cleanly (code 00), read from the columns. */
export function loadableDayChannels(batches: readonly LseRecordBatch[]): DayChannel[] {
  const seen = new Map<string, DayChannel>();
  for (const b of batches) {
    const clean = b.words.indexOf('00');
    for (let i = 0; i < b.count; i++) {
      if (b.code[i] !== clean || b.operatingDay[i] < 0 || b.channel[i] < 0) continue;
      const day = b.words[b.operatingDay[i]];
      const key = day + '|' + b.channel[i];
      if (!seen.has(key)) seen.set(key, { day, channel: b.channel[i] });
    }
  }
  return [...seen.values()];
}
