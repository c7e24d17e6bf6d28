/**
 * Writes LSE interval records in the layout of shared/reference/lse.md. Used by the fixture and
 * load generators, so it writes whatever it is given (impossible dates, odd interval counts,
 * unknown channels) without validating: broken input is how the broken fixtures are made.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export interface LseRecordSpec {
  esiid: string;
  channel: number;
  /** Operating day, YYYY-MM-DD. */
  day: string;
  /** YYYYMMDDHHMMSS, the 00000004 record-version timestamp. */
  version: string;
  /** Default 'M' (metered). */
  origin?: string;
  /** Default: esiid + channel + day (YYYYMMDD) + version, which is unique per record version. */
  transactionId?: string;
  sender: string;
  /** null or absent: the REP item is left out of the 00000030 row. */
  rep?: string | null;
  /** Default: the sender. */
  mre?: string;
  /** Default: ERCOT's DUNS. */
  receiver?: string;
  /** 00000002 fields 1 and 2, the midnight register reads; default '' (none sent). */
  startReading?: string;
  stopReading?: string;
  /** One per interval; null is a blank interval. */
  values: (number | null)[];
  /** Default 'A' for a value and '' for a blank. */
  statuses?: string[];
}

export interface LseWriter {
  write(spec: LseRecordSpec): Promise<void>;
  /** Appends text as it is, for records that formatLseRecord cannot express (cut rows, garbage). */
  writeRaw(text: string): Promise<void>;
  close(): Promise<void>;
}

export const ERCOT_DUNS = '183529049';

// Header two after its start/stop reads, copied from the seed sample (900 s intervals, kWh).
const HEADER_TWO_TAIL = ',0,,0,,900,01,1,-1,0.0,0.0,CST\n';
const INTERVALS_PER_ROW = 4;
// Generators print millions of values; the common ones (0 to 20 kWh) are prepared once as strings,
// and as whole `value,A,,` / `value,E,,` triples, because number-to-string and the concatenation of
// the pieces dominate the writing cost otherwise.
const CACHE_LIMIT = 20_000;
const valueStrings: string[] = [];
const actualTriples: string[] = [];
const estimatedTriples: string[] = [];
for (let milli = 0; milli < CACHE_LIMIT; milli++) {
  const text = String(milli / 1000);
  valueStrings.push(text);
  actualTriples.push(text + ',A,,');
  estimatedTriples.push(text + ',E,,');
}
const rowCodes: string[] = [];

export function formatLseRecord(spec: LseRecordSpec): string {
  const compactDay = spec.day.slice(0, 4) + spec.day.slice(5, 7) + spec.day.slice(8, 10);
  const version = spec.version;
  const transactionId = spec.transactionId ?? spec.esiid + spec.channel + compactDay + version;
  const rep = spec.rep === null || spec.rep === undefined ? '' : ',REP=' + spec.rep;
  let text =
    '00000001,' + spec.esiid + ',' + spec.channel + ',' + compactDay + '000000,' + compactDay + '235900,Y,N\n' +
    '00000002,' + (spec.startReading ?? '') + ',' + (spec.stopReading ?? '') + HEADER_TWO_TAIL +
    '00000003,' + transactionId + '\n' +
    '00000004,' + version + ',' + (spec.origin ?? 'M') + '\n' +
    '00000030,ATTRIBUTE_VALUE_PAIRS,MRE=' + (spec.mre ?? spec.sender) + ',Sender=' + spec.sender +
    ',Receiver=' + (spec.receiver ?? ERCOT_DUNS) + rep + '\n';
  const { values, statuses } = spec;
  const whole = values.length - (values.length % INTERVALS_PER_ROW);
  for (let j = 0; j < whole; j += INTERVALS_PER_ROW) {
    text += statuses === undefined
      ? rowCode(j) + actual(values[j]) + actual(values[j + 1]) + actual(values[j + 2]) + actual(values[j + 3]) + '\n'
      : rowCode(j) + interval(values[j], statuses[j]) + interval(values[j + 1], statuses[j + 1]) +
        interval(values[j + 2], statuses[j + 2]) + interval(values[j + 3], statuses[j + 3]) + '\n';
  }
  if (whole < values.length) {
    // Only broken fixtures have a partial last row.
    let row = rowCode(whole);
    for (let j = whole; j < values.length; j++) row += interval(values[j], statuses?.[j]);
    text += row + '\n';
  }
  return text;
}

function rowCode(firstInterval: number): string {
  const row = firstInterval / INTERVALS_PER_ROW;
  return (rowCodes[row] ??= String(10_000_000 + row) + ',');
}

/** An interval with the default status: `A` for a value, none for a blank. */
function actual(value: number | null): string {
  if (value === null) return ',,,';
  const milli = Math.round(value * 1000);
  return milli >= 0 && milli < CACHE_LIMIT ? actualTriples[milli] : formatMilli(milli) + ',A,,';
}

/** `value,status,` plus the delimiter: the third sub-field is empty in every known sample. */
function interval(value: number | null, status: string | undefined): string {
  if (value === null) return ',' + (status ?? '') + ',,';
  if (status === undefined || status === 'A') return actual(value);
  const milli = Math.round(value * 1000);
  if (status === 'E' && milli >= 0 && milli < CACHE_LIMIT) return estimatedTriples[milli];
  return formatMilli(milli) + ',' + status + ',,';
}

/** Up to three decimals with no trailing zeros: 0.58 prints as 0.58, 2 as 2. */
export function formatLseValue(value: number): string {
  return formatMilli(Math.round(value * 1000));
}

function formatMilli(milli: number): string {
  if (!Number.isFinite(milli)) throw new RangeError(`LSE interval value must be finite, got ${milli}`);
  if (milli >= 0 && milli < CACHE_LIMIT) return valueStrings[milli];
  // Math.round can give -0, which String prints as 0 anyway.
  return String(milli / 1000);
}

/** `<DUNS>IntervalData<ccyymmddhhmmss><3-digit counter>.lse`, the name ERCOT expects. */
export function lseFileName(senderDuns: string, createdAt: string, counter: number): string {
  if (!/^\d{14}$/.test(createdAt)) throw new RangeError(`createdAt must be YYYYMMDDHHMMSS, got "${createdAt}"`);
  if (!Number.isInteger(counter) || counter < 0 || counter > 999) {
    throw new RangeError(`counter must be 0..999 (three digits), got ${counter}`);
  }
  return `${senderDuns}IntervalData${createdAt}${String(counter).padStart(3, '0')}.lse`;
}

// Records are copied into large buffers as they come: appending them to one long string instead
// builds a rope that costs more to flatten on write than formatting the records did.
const CHUNK_BYTES = 1 << 20;
// The most bytes a UTF-16 code unit can take in UTF-8, so a record never overflows a chunk.
const MAX_UTF8_PER_UNIT = 3;
const DONE: Promise<void> = Promise.resolve();

export function createLseWriter(path: string): LseWriter {
  const stream = createWriteStream(path, { highWaterMark: CHUNK_BYTES });
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure ??= error;
  });
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;

  async function flush(): Promise<void> {
    if (failure) throw failure;
    if (used === 0) return;
    const full = chunk.subarray(0, used);
    // The stream keeps the buffer until it is written, so the next records go into a new one.
    chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    used = 0;
    if (!stream.write(full)) await drained();
  }

  function drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        stream.off('drain', onDrain);
        reject(error);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }

  async function appendAfterFlush(text: string): Promise<void> {
    await flush();
    if (text.length * MAX_UTF8_PER_UNIT > CHUNK_BYTES) {
      if (!stream.write(text, 'utf8')) await drained();
    } else {
      used += chunk.write(text, used, 'utf8');
    }
  }

  // Not async: most records only fill the chunk, and a shared settled promise spares an
  // allocation per record when writing millions of them.
  function append(text: string): Promise<void> {
    if (used + text.length * MAX_UTF8_PER_UNIT > CHUNK_BYTES) return appendAfterFlush(text);
    used += chunk.write(text, used, 'utf8');
    return failure ? Promise.reject(failure) : DONE;
  }

  return {
    write: (spec) => append(formatLseRecord(spec)),
    writeRaw: append,
    async close() {
      await flush();
      stream.end();
      await finished(stream);
      if (failure) throw failure;
    },
  };
}
