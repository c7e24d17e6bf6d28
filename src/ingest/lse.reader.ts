import { BLANK_INTERVAL, ESTIMATED_FLAG, MAX_WH, type LseFileOutcome, type LseRecord } from './lse-record';
import { IntervalScratch, LseRecordBuilder, MAX_INTERVALS, REQUIRED_HEADERS } from './lse-record.builder';
import { MAX_RECORDS_PER_FILE } from './result-codes';

const NL = 10, CR = 13, COMMA = 44, DOT = 46, ZERO = 48, NINE = 57, MINUS = 45, ONE = 49, A = 65, E = 69;
const HEADER_ROWS = new Set<string>(REQUIRED_HEADERS);

/**
 * Incremental LSE parser working on bytes: header rows (five per record) are split as text,
 * detail rows (the bulk) are scanned byte by byte straight into packed values, which is what
 * lets one core parse a quarter of a million records per second.
 */
export class LseReader {
  private carry: Buffer | null = null;
  private lineNo = 0;
  private current: LseRecordBuilder | null = null;
  private total = 0;
  private fileCode: LseFileOutcome['fileCode'] = null;
  private fileReason: string | null = null;
  private out: LseRecord[] = [];
  private readonly scratch = new IntervalScratch();
  private started = false;

  /** `now` is the load time in Central Prevailing Time as YYYYMMDDHHMMSS (future-date check). */
  constructor(private readonly now: number) {}

  push(chunk: Buffer): LseRecord[] {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    if (this.lineNo === 0 && !this.started) {
      this.started = true;
      if (buf.subarray(0, 65536).includes(0)) this.fileError('the file holds binary data, not LSE text');
      // Some Windows tools start text files with a UTF-8 byte-order mark; it is not part of the data.
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    // Only whole lines are parsed; the tail after the last newline waits for the next chunk.
    const last = buf.lastIndexOf(NL);
    if (last === -1) {
      this.carry = Buffer.from(buf);
      return this.take();
    }
    let pos = 0;
    while (pos <= last) pos = this.line(buf, pos) + 1;
    if (last + 1 < buf.length) this.carry = Buffer.from(buf.subarray(last + 1));
    return this.take();
  }

  end(): { records: LseRecord[]; outcome: LseFileOutcome } {
    if (this.carry) {
      const rest = Buffer.concat([this.carry, Buffer.from([NL])]);
      this.carry = null;
      this.line(rest, 0);
    }
    this.closeRecord();
    if (this.total === 0) this.fileError('the file holds no data records');
    if (!this.fileCode && this.total > MAX_RECORDS_PER_FILE) {
      this.fileCode = 'F1';
      this.fileReason = `the file holds ${this.total} data records; at most ${MAX_RECORDS_PER_FILE} are accepted`;
    }
    return { records: this.take(), outcome: { totalRecords: this.total, fileCode: this.fileCode, fileReason: this.fileReason } };
  }

  private take(): LseRecord[] {
    const records = this.out;
    this.out = [];
    return this.fileCode ? [] : records;
  }

  private fileError(reason: string): void {
    if (!this.fileCode) {
      this.fileCode = 'F2';
      this.fileReason = reason;
    }
  }

  /** Handles the line starting at `start`; returns the index of its newline. */
  private line(buf: Buffer, start: number): number {
    this.lineNo++;
    if (buf[start] === ONE && this.fileCode !== 'F2') return this.detail(buf, start);
    const nl = buf.indexOf(NL, start);
    const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    if (end === start) return nl;
    if (this.fileCode === 'F2') {
      // Nothing loads any more, but the report still counts the file's records.
      if (buf.toString('latin1', start, start + 9) === '00000001,') this.total++;
      return nl;
    }
    const fields = buf.toString('latin1', start, end).split(',');
    const sortCode = fields[0];
    if (sortCode === '00000001') this.openRecord();
    if (!this.current) {
      this.fileError(`line ${this.lineNo}: expected a 00000001 row to start a record, found "${sortCode.slice(0, 20)}"`);
    } else if (HEADER_ROWS.has(sortCode)) {
      this.current.header(sortCode, fields, this.lineNo);
    } else {
      this.current.fail('02', `line ${this.lineNo}: unknown row type "${sortCode.slice(0, 20)}"`);
    }
    return nl;
  }

  private openRecord(): void {
    this.closeRecord();
    this.total++;
    this.current = new LseRecordBuilder(this.lineNo, this.scratch);
  }

  private closeRecord(): void {
    const record = this.current;
    if (!record) return;
    this.current = null;
    const missing = record.missingHeaders();
    if (missing.length > 0) {
      return this.fileError(`record at line ${record.line} has no ${missing.join(', ')} row (mandatory)`);
    }
    if (this.total <= MAX_RECORDS_PER_FILE) this.out.push(record.finish(this.now));
  }

  /**
   * One detail row in a single pass: `value,status,` triples, four per row, straight into the
   * record's packed values. Returns the index of the row's newline.
   */
  private detail(buf: Buffer, start: number): number {
    const rec = this.current;
    const line = this.lineNo;
    if (!rec) {
      this.fileError(`line ${line}: detail row before any 00000001 row`);
      return buf.indexOf(NL, start);
    }
    let sortCode = 0;
    let i = start;
    for (; i < start + 8; i++) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) {
        rec.fail('02', `line ${line}: detail row sort code is not 8 digits`);
        return buf.indexOf(NL, start);
      }
      sortCode = sortCode * 10 + d;
    }
    if (sortCode !== 10_000_000 + rec.detailRows) {
      rec.fail('02', `line ${line}: detail row ${sortCode} out of sequence; expected ${10_000_000 + rec.detailRows}`);
    }
    rec.detailRows++;
    let c = buf[i];
    if (c !== COMMA) {
      if (c !== NL && c !== CR) rec.fail('02', `line ${line}: no comma after the detail row sort code`);
      return buf.indexOf(NL, i);
    }
    i++;
    for (;;) {
      // Value field.
      c = buf[i];
      if (c === NL || c === CR) break; // the trailing comma of a row
      if (rec.intervalCount >= MAX_INTERVALS) {
        rec.fail('03', `line ${line}: more than ${MAX_INTERVALS} intervals in one record`);
        break;
      }
      const n = rec.intervalCount++;
      let value = BLANK_INTERVAL;
      if (c !== COMMA) {
        let whole = 0, frac = 0, decimals = -1, round = 0;
        const from = i;
        for (; ; i++) {
          c = buf[i];
          if (c >= ZERO && c <= NINE) {
            if (decimals < 0) whole = whole * 10 + (c - ZERO);
            else if (decimals < 3) { frac = frac * 10 + (c - ZERO); decimals++; }
            else if (decimals === 3) { round = c >= 53 ? 1 : 0; decimals++; }
          } else if (c === DOT && decimals < 0) {
            decimals = 0;
          } else break;
        }
        if (c !== COMMA && c !== NL && c !== CR) {
          i = this.badValue(buf, from, rec, n, line);
          c = buf[i];
        } else if (decimals === 0 && i - from === 1) {
          rec.fail('02', `line ${line}: interval ${n + 1} value "." is not a number`);
        } else {
          for (let d = decimals < 0 ? 0 : decimals; d < 3; d++) frac *= 10;
          value = whole * 1000 + frac + round;
          if (value > MAX_WH) {
            rec.fail('01', `line ${line}: interval ${n + 1} value ${whole} kWh is beyond any meter`);
            value = 0;
          }
        }
      }
      rec.values[n] = value;
      if (c !== COMMA) {
        if (value !== BLANK_INTERVAL) rec.fail('02', `line ${line}: interval ${n + 1} has a value but no status field`);
        break;
      }
      // Status field.
      c = buf[++i];
      if (c === COMMA || c === NL || c === CR) {
        if (value !== BLANK_INTERVAL) rec.fail('01', `line ${line}: interval ${n + 1} has a value but no status (A or E)`);
      } else if ((c === A || c === E) && (buf[i + 1] === COMMA || buf[i + 1] === NL || buf[i + 1] === CR)) {
        if (value === BLANK_INTERVAL) rec.fail('01', `line ${line}: interval ${n + 1} has a status but no value`);
        else if (c === E) rec.values[n] = value | ESTIMATED_FLAG;
        c = buf[++i];
      } else {
        const to = this.skipField(buf, i);
        rec.fail('01', `line ${line}: interval ${n + 1} status "${buf.toString('latin1', i, Math.min(to, i + 10))}" is not A or E`);
        i = to;
        c = buf[i];
      }
      if (c !== COMMA) break;
      // Third sub-field: empty in every known file; skipped whatever it holds.
      i = this.skipField(buf, i + 1);
      if (buf[i] !== COMMA) break;
      i++;
    }
    return buf[i] === NL ? i : buf.indexOf(NL, i);
  }

  private skipField(buf: Buffer, i: number): number {
    for (;; i++) {
      const c = buf[i];
      if (c === COMMA || c === NL || c === CR) return i;
    }
  }

  private badValue(buf: Buffer, from: number, rec: LseRecordBuilder, n: number, line: number): number {
    const to = this.skipField(buf, from);
    const text = buf.toString('latin1', from, Math.min(to, from + 20));
    if (buf[from] === MINUS) rec.fail('01', `line ${line}: interval ${n + 1} value ${text} is negative`);
    else rec.fail('02', `line ${line}: interval ${n + 1} value "${text}" is not a number`);
    return to;
  }
}
