import { intervalsInDay, isValidDate } from '../core/cpt';
import type { LseRecord } from './lse-record';
import type { RecordCode } from './result-codes';
import { isDuns, isEsiid } from '../registry/registry-formats';

export const MAX_INTERVALS = 100;
const TIMESTAMP = /^\d{14}$/;
const READING = /^\d+(\.\d+)?$/;

/** Header rows every record must carry before its detail rows. */
export const REQUIRED_HEADERS = ['00000001', '00000002', '00000003', '00000004', '00000030'] as const;
/** Each header row's bit in a record's set of rows seen. */
const HEADER_BITS = new Map<string, number>(REQUIRED_HEADERS.map((h, i) => [h, 1 << i]));
const ALL_HEADERS = (1 << REQUIRED_HEADERS.length) - 1;

/** Packed values a chunk holds: the values of about 680 records of 96 intervals. */
const CHUNK_INTERVALS = 65_536;

/**
 * Interval buffers reused from record to record, and the chunks the records' own copies are cut
 * from: a view of a shared chunk costs far less than a buffer of its own for each record (which the
 * garbage collector would then track one by one). A chunk is let go with the last record using it.
 */
export class IntervalScratch {
  readonly values = new Int32Array(MAX_INTERVALS);
  private chunk = new Int32Array(0);
  private used = 0;

  /** The first `count` values, packed (little-endian int32), as bytes of their own. */
  keep(count: number): Uint8Array {
    if (this.used + count > this.chunk.length) {
      this.chunk = new Int32Array(CHUNK_INTERVALS);
      this.used = 0;
    }
    const from = this.used;
    // Int32Array is host-endian; every platform Node supports here is little-endian, as stored.
    for (let i = 0; i < count; i++) this.chunk[from + i] = this.values[i]!;
    this.used += count;
    return new Uint8Array(this.chunk.buffer, from * 4, count * 4);
  }
}

/** A YYYYMMDD's facts: whether it is a real date, the day as YYYY-MM-DD (one string for every record of the day), its interval count. */
interface DayFacts {
  valid: boolean;
  text: string;
  intervals: number;
}

const dayCache = new Map<string, DayFacts>();

/** What a YYYYMMDD is; cached since a file holds few days. */
function dayFacts(yyyymmdd: string): DayFacts {
  let facts = dayCache.get(yyyymmdd);
  if (!facts) {
    const y = Number(yyyymmdd.slice(0, 4)), m = Number(yyyymmdd.slice(4, 6)), d = Number(yyyymmdd.slice(6, 8));
    const valid = isValidDate(y, m, d);
    const text = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
    facts = { valid, text, intervals: valid ? intervalsInDay(text) : 0 };
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(yyyymmdd, facts);
  }
  return facts;
}

/**
 * Collects one record's rows. The first problem found decides the record's result code; the
 * record is still read to its end so the next record starts cleanly.
 */
export class LseRecordBuilder {
  /** The header rows read so far, a bit each (HEADER_BITS). */
  private headersSeen = 0;
  readonly values: Int32Array;
  intervalCount = 0;
  detailRows = 0;
  code: RecordCode = '00';
  reason: string | null = null;

  esiid: string | null = null;
  channel: number | null = null;
  operatingDay: string | null = null;
  private stopTimestamp = 0;
  /** The operating day's interval count (its DST shape). */
  private dayIntervals = 0;
  version: number | null = null;
  origin: string | null = null;
  transactionId: string | null = null;
  startReading: string | null = null;
  stopReading: string | null = null;
  senderDuns: string | null = null;
  repDuns: string | null = null;

  constructor(readonly line: number, private readonly scratch: IntervalScratch) {
    this.values = scratch.values;
  }

  fail(code: RecordCode, reason: string): void {
    if (this.code === '00') {
      this.code = code;
      this.reason = reason;
    }
  }

  /** The mandatory header rows the record has not had. */
  missingHeaders(): string[] {
    return this.headersSeen === ALL_HEADERS ? [] : REQUIRED_HEADERS.filter((h) => (this.headersSeen & HEADER_BITS.get(h)!) === 0);
  }

  /** Reads a header row (one of REQUIRED_HEADERS) into the record (a repeated row makes the record 02). */
  header(sortCode: string, fields: string[], line: number): void {
    const bit = HEADER_BITS.get(sortCode)!;
    if ((this.headersSeen & bit) !== 0) {
      this.fail('02', `line ${line}: second ${sortCode} row in one record`);
      return;
    }
    if (this.detailRows > 0) this.fail('02', `line ${line}: ${sortCode} row after the detail rows`);
    this.headersSeen |= bit;
    switch (sortCode) {
      case '00000001': return this.headerOne(fields, line);
      case '00000002': return this.headerTwo(fields, line);
      case '00000003': return this.headerThree(fields, line);
      case '00000004': return this.headerFour(fields, line);
      default: return this.headerThirty(fields, line);
    }
  }

  private headerOne(f: string[], line: number): void {
    if (f.length !== 7) return this.fail('02', `line ${line}: 00000001 row has ${f.length - 1} fields; expected 6`);
    const [, esiid, channel, start, stop, dst, invalid] = f;
    if (isEsiid(esiid)) this.esiid = esiid;
    else this.fail('06', `line ${line}: ESI ID "${esiid.slice(0, 70)}" is not 1 to 64 letters or digits`);
    if (!/^\d+$/.test(channel)) this.fail('02', `line ${line}: channel "${channel}" is not a number`);
    else if (channel !== '4' && channel !== '1') this.fail('01', `line ${line}: channel ${channel} is not 4 (consumption) or 1 (generation)`);
    else this.channel = Number(channel);
    const startDay = this.day(start, 'start', line);
    const stopDay = this.day(stop, 'stop', line);
    if (startDay && stopDay) {
      this.operatingDay = startDay.text;
      this.dayIntervals = startDay.intervals;
      this.stopTimestamp = Number(stop);
      if (start.slice(8) !== '000000' || stopDay.text !== startDay.text || stop.slice(8) !== '235900') {
        this.fail('03', `line ${line}: record runs ${start} to ${stop}; expected 000000 to 235900 of one day`);
      }
    }
    if (dst !== 'Y' && dst !== 'N') this.fail('01', `line ${line}: DST participation flag "${dst}" is not Y or N`);
    if (invalid === 'Y') this.fail('01', `line ${line}: the sender flagged this record invalid`);
    else if (invalid !== 'N') this.fail('01', `line ${line}: invalid-record flag "${invalid}" is not N or Y`);
  }

  /** The day of a YYYYMMDDHHMMSS that is a real date and time, else null (the record is 02). */
  private day(value: string, which: string, line: number): DayFacts | null {
    if (!TIMESTAMP.test(value)) {
      this.fail('02', `line ${line}: ${which} "${value}" is not YYYYMMDDHHMMSS`);
      return null;
    }
    const time = Number(value.slice(8));
    const facts = dayFacts(value.slice(0, 8));
    if (!facts.valid || time % 100 > 59 || Math.floor(time / 100) % 100 > 59 || time >= 240000) {
      this.fail('02', `line ${line}: ${which} ${value} is not a real date and time`);
      return null;
    }
    return facts;
  }

  private headerTwo(f: string[], line: number): void {
    if (f.length < 9) return this.fail('02', `line ${line}: 00000002 row has ${f.length - 1} fields; expected 13`);
    const [, start, stop] = f;
    for (const [name, value] of [['start reading', start], ['stop reading', stop]]) {
      if (value !== '' && !READING.test(value)) this.fail('02', `line ${line}: ${name} "${value}" is not a number`);
    }
    this.startReading = start === '' ? null : start;
    this.stopReading = stop === '' ? null : stop;
    if (f[7] !== '900') this.fail('01', `line ${line}: seconds per interval is "${f[7]}"; only 900 (15 minutes) is accepted`);
  }

  private headerThree(f: string[], line: number): void {
    const id = f[1] ?? '';
    if (id === '') this.fail('01', `line ${line}: 00000003 row has no transaction id`);
    this.transactionId = id.slice(0, 64);
  }

  private headerFour(f: string[], line: number): void {
    const version = f[1] ?? '';
    if (this.day(version, 'version timestamp', line)) this.version = Number(version);
    this.origin = (f[2] ?? '').slice(0, 4);
  }

  private headerThirty(f: string[], line: number): void {
    if (f[1] !== 'ATTRIBUTE_VALUE_PAIRS') this.fail('02', `line ${line}: 00000030 row does not start with ATTRIBUTE_VALUE_PAIRS`);
    for (const item of f.slice(2)) {
      const eq = item.indexOf('=');
      const key = item.slice(0, eq);
      const value = item.slice(eq + 1);
      if (key === 'Sender') this.senderDuns = value;
      else if (key === 'REP') this.repDuns = value || null;
    }
    if (!this.senderDuns || !isDuns(this.senderDuns)) {
      this.fail('01', `line ${line}: 00000030 row needs Sender=<TDSP DUNS> (9 or 13 digits)`);
    }
    if (this.repDuns !== null && !isDuns(this.repDuns)) {
      this.fail('01', `line ${line}: REP DUNS "${this.repDuns}" is not 9 or 13 digits`);
    }
  }

  /** Final checks once all rows are in: interval count for the day, and not in the future. */
  finish(now: number): LseRecord {
    if (this.operatingDay) {
      if (this.intervalCount !== this.dayIntervals) {
        this.fail('03', `record at line ${this.line} has ${this.intervalCount} intervals; ${this.operatingDay} has ${this.dayIntervals}`);
      }
      if (this.stopTimestamp > now) this.fail('04', `record at line ${this.line} is for ${this.operatingDay}, which has not ended`);
    }
    const count = Math.min(this.intervalCount, MAX_INTERVALS);
    const values = this.scratch.keep(count);
    return {
      line: this.line,
      esiid: this.esiid,
      channel: this.channel,
      operatingDay: this.operatingDay,
      version: this.version,
      origin: this.origin,
      transactionId: this.transactionId,
      startReading: this.startReading,
      stopReading: this.stopReading,
      senderDuns: this.senderDuns,
      repDuns: this.repDuns,
      intervalCount: count,
      values,
      code: this.code,
      reason: this.reason,
    };
  }
}
