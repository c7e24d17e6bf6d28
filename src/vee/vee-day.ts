import { BLANK_INTERVAL, ESTIMATED_FLAG, MAX_WH } from '../ingest/lse-record';

/** One stored record (ESI ID, channel, operating day, version) as the VEE rules see it. */
export interface VeeDay {
  esiid: string;
  channel: number;
  /** YYYY-MM-DD, Central Prevailing Time. */
  operatingDay: string;
  version: number;
  intervalCount: number;
  /** Packed intervals (src/ingest/lse-record.ts). */
  values: Uint8Array;
  /** The 00000002 midnight register reads; null when the TDSP sent none. */
  startReading: string | null;
  stopReading: string | null;
  /** Whether a REP of record served the ESI ID on the operating day. */
  hasRepOfRecord: boolean;
}

/** Daily totals of the same ESI ID and channel on earlier days of the same day type (complete, actual-or-estimated days only). */
export interface VeeHistory {
  /** How many of the weeks compared with were kept whole, and their total (Wh). */
  wholeDays: number;
  totalWh: number;
  /** Which operating days they were: for a finding's wording. */
  days(): string[];
}

export type VeeRuleName =
  | 'SUM_CHECK' | 'SPIKE_CHECK' | 'CONSECUTIVE_ZEROS' | 'HIGH_LOW_USAGE'
  | 'INACTIVE_USAGE' | 'PULSE_OVERFLOW' | 'ESTIMATED_SHARE' | 'TIME_CHANGE';

/** A rule's finding on one record: flags only, the record is loaded and served unchanged. */
export interface VeeFinding {
  code: string;
  rule: VeeRuleName;
  esiid: string;
  channel: number;
  operatingDay: string;
  /** The record version the finding is about; null for a record that was not loaded (time change). */
  version: number | null;
  reason: string;
}

/** The rules, their codes and the UBP / AMS VEE rule each one mirrors (docs/data-quality.md). */
export const VEE_RULES: Record<VeeRuleName, { code: string; ubp: string; description: string }> = {
  SUM_CHECK: { code: 'V01', ubp: 'Sum Check', description: "the intervals' sum does not match the register reads" },
  SPIKE_CHECK: { code: 'V02', ubp: 'Spike Check', description: "an interval far above the day's other intervals" },
  CONSECUTIVE_ZEROS: { code: 'V03', ubp: 'Consecutive Zeros / Zero Consumption for Active Meters', description: 'a long run of zero intervals on a meter with a REP of record' },
  HIGH_LOW_USAGE: { code: 'V04', ubp: 'High/Low Usage', description: "the day's usage far above or below the same weekday of the previous weeks" },
  INACTIVE_USAGE: { code: 'V05', ubp: 'Usage for Inactive Meters', description: 'usage on a day without a REP of record' },
  PULSE_OVERFLOW: { code: 'V06', ubp: 'Pulse Overflow', description: 'an interval above what the meter can register' },
  ESTIMATED_SHARE: { code: 'V07', ubp: 'Missing Intervals (estimated share)', description: 'too many estimated (E) intervals in one record' },
  TIME_CHANGE: { code: 'V08', ubp: 'Time Change', description: 'a daylight-saving day with the wrong interval count or a blank changed hour' },
};

export const RULE_NAMES = Object.keys(VEE_RULES) as VeeRuleName[];

export function finding(rule: VeeRuleName, day: Pick<VeeDay, 'esiid' | 'channel' | 'operatingDay'> & { version: number | null }, reason: string): VeeFinding {
  return { code: VEE_RULES[rule].code, rule, esiid: day.esiid, channel: day.channel, operatingDay: day.operatingDay, version: day.version, reason };
}

/** A record's intervals as arrays, Wh (null blank) and the estimated flags: for estimates and version comparisons. */
export interface DecodedDay {
  wh: (number | null)[];
  estimated: boolean[];
  totalWh: number;
  blanks: number;
  estimatedCount: number;
}

export function decodeDay(day: VeeDay): DecodedDay {
  const view = new DataView(day.values.buffer, day.values.byteOffset, day.values.byteLength);
  const out: DecodedDay = { wh: [], estimated: [], totalWh: 0, blanks: 0, estimatedCount: 0 };
  for (let i = 0; i < day.intervalCount; i++) {
    const v = view.getInt32(i * 4, true);
    if (v === BLANK_INTERVAL) {
      out.wh.push(null);
      out.estimated.push(false);
      out.blanks++;
      continue;
    }
    const wh = v & MAX_WH;
    const estimated = (v & ESTIMATED_FLAG) !== 0;
    out.wh.push(wh);
    out.estimated.push(estimated);
    out.totalWh += wh;
    if (estimated) out.estimatedCount++;
  }
  return out;
}

/** What the rules need of a record's intervals, from one pass over the packed values. */
export interface DayStats {
  totalWh: number;
  blanks: number;
  estimated: number;
  /** Intervals that are not blank. */
  present: number;
  /** The highest interval (Wh) and its first index; -1 and -1 when every interval is blank. */
  maxWh: number;
  maxIndex: number;
  /** The longest run of zero intervals (blank breaks a run) and the index it starts at (the first such run). */
  zeroRun: number;
  zeroRunStart: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The last buffer read as 32-bit integers: a file's records are views of a few batch buffers, read one after another. */
let intsBuffer: ArrayBufferLike | null = null;
let intsOfBuffer: Int32Array<ArrayBufferLike> = new Int32Array(0);

/**
 * Where the packed intervals start in a 32-bit integer view of their whole buffer, when the bytes
 * allow one (aligned, on a little-endian machine): one load an interval rather than four, and no new
 * view for each record. -1 otherwise, and they are read byte by byte.
 */
function packedIntsAt(values: Uint8Array, count: number): number {
  if (!LITTLE_ENDIAN || values.byteOffset % 4 !== 0 || values.byteLength < count * 4) return -1;
  if (values.buffer !== intsBuffer) {
    intsBuffer = values.buffer;
    intsOfBuffer = new Int32Array(values.buffer, 0, values.buffer.byteLength >>> 2);
  }
  return values.byteOffset >>> 2;
}

/** One pass over a record's packed intervals: every rule decides from these, most without looking again. */
export function dayStats(values: Uint8Array, count: number): DayStats {
  const at = packedIntsAt(values, count), ints = intsOfBuffer;
  let totalWh = 0, blanks = 0, estimated = 0, maxWh = -1, maxIndex = -1, zeroRun = 0, zeroRunStart = -1, run = 0;
  for (let i = 0; i < count; i++) {
    const v = at >= 0 ? ints[at + i]! : values[i * 4]! | (values[i * 4 + 1]! << 8) | (values[i * 4 + 2]! << 16) | (values[i * 4 + 3]! << 24);
    if (v === BLANK_INTERVAL) {
      blanks++;
      run = 0;
      continue;
    }
    const wh = v & MAX_WH;
    totalWh += wh;
    if (v & ESTIMATED_FLAG) estimated++;
    if (wh > maxWh) {
      maxWh = wh;
      maxIndex = i;
    }
    if (wh === 0) {
      run++;
      if (run > zeroRun) {
        zeroRun = run;
        zeroRunStart = i - run + 1;
      }
    } else {
      run = 0;
    }
  }
  return { totalWh, blanks, estimated, present: count - blanks, maxWh, maxIndex, zeroRun, zeroRunStart };
}

/** How many of a record's intervals (Wh, blanks skipped) pass `test`: for a finding's wording, once a rule has fired. */
export function countIntervals(values: Uint8Array, count: number, test: (wh: number) => boolean): number {
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = view.getInt32(i * 4, true);
    if (v !== BLANK_INTERVAL && test(v & MAX_WH)) n++;
  }
  return n;
}

/** Whether interval `index` is blank (missing). */
export function isBlank(values: Uint8Array, index: number): boolean {
  return new DataView(values.buffer, values.byteOffset, values.byteLength).getInt32(index * 4, true) === BLANK_INTERVAL;
}

/** Integer Wh as kWh text without float artefacts (1234 -> "1.234"). */
export function kwh(wh: number): string {
  return String(Math.round(wh) / 1000);
}

/** The interval's end time label in prevailing time, as the usage CSV prints it (fall-back's second pass marked *). */
export function intervalLabel(operatingDay: string, index: number, intervalCount: number): string {
  let minutes = (index + 1) * 15;
  let star = '';
  if (intervalCount === 92 && minutes > 120) minutes += 60;
  if (intervalCount === 100 && minutes > 120) {
    if (minutes <= 180) star = '*';
    minutes -= 60;
  }
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}${star}`;
}
