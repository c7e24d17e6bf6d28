import { intervalsInDay, isValidDate } from '../core/cpt';
import type { LseRecord } from './lse-record';
import type { RecordCode } from './result-codes';
import { isDuns, isEsiid } from '../registry/registry-formats';

export const MAX_INTERVALS = 100;
const TIMESTAMP = /^\d{14}$/;
const READING = /^\d+(\.\d+)?$/;

/** Header rows every record must carry before its detail rows. */
export const REQUIRED_HEADERS = ['00000001', '00000002', '00000003', '00000004', '00000030'] as const;

/**
 * Collects one record's rows. The first problem found decides the record's result code; the
 * record is still read to its end so the next record starts cleanly.
 */
/** Interval buffers reused from record to record (a record copies out what it keeps). */
export class IntervalScratch {
  readonly values = new Int32Array(MAX_INTERVALS);
}

const dayCache = new Map<string, { valid: boolean; intervals: number }>();

/** Whether YYYYMMDD is a real date, and its interval count; cached since a file holds few days. */
function dayFacts(yyyymmdd: string): { valid: boolean; intervals: number } {
  let facts = dayCache.get(yyyymmdd);
  if (!facts) {
    const y = Number(yyyymmdd.slice(0, 4)), m = Number(yyyymmdd.slice(4, 6)), d = Number(yyyymmdd.slice(6, 8));
    const valid = isValidDate(y, m, d);
    facts = { valid, intervals: valid ? intervalsInDay(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`) : 0 };
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(yyyymmdd, facts);
  }
  return facts;
}

export class LseRecordBuilder {
  readonly headersSeen = new Set<string>();
  readonly values: Int32Array;
  intervalCount = 0;
  detailRows = 0;
  code: RecordCode = '00';
  reason: string | null = null;

  esiid: string | null = null;
  channel: number | null = null;
  operatingDay: string | null = null;
  private stopTimestamp = 0;
  version: number | null = null;
  origin: string | null = null;
  transactionId: string | null = null;
  startReading: string | null = null;
  stopReading: string | null = null;
  senderDuns: string | null = null;
  repDuns: string | null = null;

  constructor(readonly line: number, scratch: IntervalScratch) {
    this.values = scratch.values;
  }

  fail(code: RecordCode, reason: string): void {
    if (this.code === '00') {
      this.code = code;
      this.reason = reason;
    }
  }

  /** Reads a header row into the record (a repeated row makes the record 02). */
  header(sortCode: string, fields: string[], line: number): void {
    if (this.headersSeen.has(sortCode)) {
      this.fail('02', `line ${line}: second ${sortCode} row in one record`);
      return;
    }
    if (this.detailRows > 0) this.fail('02', `line ${line}: ${sortCode} row after the detail rows`);
    this.headersSeen.add(sortCode);
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
      this.operatingDay = startDay;
      this.stopTimestamp = Number(stop);
      if (start.slice(8) !== '000000' || stopDay !== startDay || stop.slice(8) !== '235900') {
        this.fail('03', `line ${line}: record runs ${start} to ${stop}; expected 000000 to 235900 of one day`);
      }
    }
    if (dst !== 'Y' && dst !== 'N') this.fail('01', `line ${line}: DST participation flag "${dst}" is not Y or N`);
    if (invalid === 'Y') this.fail('01', `line ${line}: the sender flagged this record invalid`);
    else if (invalid !== 'N') this.fail('01', `line ${line}: invalid-record flag "${invalid}" is not N or Y`);
  }

  private day(value: string, which: string, line: number): string | null {
    if (!TIMESTAMP.test(value)) {
      this.fail('02', `line ${line}: ${which} "${value}" is not YYYYMMDDHHMMSS`);
      return null;
    }
    const time = Number(value.slice(8));
    if (!dayFacts(value.slice(0, 8)).valid || time % 100 > 59 || Math.floor(time / 100) % 100 > 59 || time >= 240000) {
      this.fail('02', `line ${line}: ${which} ${value} is not a real date and time`);
      return null;
    }
    return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
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
      const expected = dayFacts(this.operatingDay.replace(/-/g, '')).intervals;
      if (this.intervalCount !== expected) {
        this.fail('03', `record at line ${this.line} has ${this.intervalCount} intervals; ${this.operatingDay} has ${expected}`);
      }
      if (this.stopTimestamp > now) this.fail('04', `record at line ${this.line} is for ${this.operatingDay}, which has not ended`);
    }
    const count = Math.min(this.intervalCount, MAX_INTERVALS);
    // Int32Array is host-endian; every platform Node supports here is little-endian, as stored.
    const values = new Uint8Array(count * 4);
    new Int32Array(values.buffer).set(this.values.subarray(0, count));
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
