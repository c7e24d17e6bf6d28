import { reportSlots, type IntervalSlot } from '../core/cpt';
import { BLANK_INTERVAL } from '../ingest/lse-record';
import { csvChunk } from './report-csv';
import { esiidCell, kwh3, revisionDate, usDate } from './report-format';
import { isEstimated, packedInterval, packedWh, type UsageDay } from './usage-day';

export const INTERVAL_HEADER = [
  'ESIID', 'USAGE_DATE', 'REVISION_DATE', 'USAGE_START_TIME', 'USAGE_END_TIME', 'USAGE_KWH', 'ESTIMATED_ACTUAL',
  'CONSUMPTION_SURPLUSGENERATION',
];

/** Channel 4 is what the premise draws from the grid, channel 1 what it sends back. */
export function directionCell(channel: 1 | 4): string {
  return channel === 4 ? 'Consumption' : 'Surplus Generation';
}

/**
 * The 15-minute rows of a day as SMT prints them: 96 rows, the spring-forward gap as blank rows,
 * 100 on the fall-back day. Blank readings stay blank, never zero, so a REP can tell them apart.
 */
export function intervalRows(day: UsageDay): string[][] {
  const esiid = esiidCell(day.esiid);
  const usageDate = usDate(day.operatingDay);
  const revision = revisionDate(day.version);
  const direction = directionCell(day.channel);
  return reportSlots(day.operatingDay).map((slot) => {
    const packed = slot.index === null ? BLANK_INTERVAL : packedInterval(day, slot.index);
    const blank = packed === BLANK_INTERVAL;
    const kwh = blank ? '' : kwh3(packedWh(packed));
    const flag = blank ? '' : isEstimated(packed) ? 'E' : 'A';
    return [esiid, usageDate, revision, slot.start, slot.end, kwh, flag, direction];
  });
}

/** Longest `USAGE_KWH` cell: MAX_WH is 1073741.823 kWh. */
const KWH_MAX_CHARS = 11;
const DIRECTION_BYTES: Record<1 | 4, Uint8Array> = { 4: latin1(`,${directionCell(4)}\r\n`), 1: latin1(`,${directionCell(1)}\r\n`) };
/** The same row ends with the estimate columns of a report that asked for platform estimates (report-estimates.ts): TDSP data, `N` and no source. */
const MARKED_DIRECTION_BYTES: Record<1 | 4, Uint8Array> = { 4: latin1(`,${directionCell(4)},N,\r\n`), 1: latin1(`,${directionCell(1)},N,\r\n`) };
/** `HH:MM,HH:MM,` of each slot, per day shape (reportSlots caches one array per shape). */
const slotBytes = new WeakMap<readonly IntervalSlot[], Uint8Array[]>();
/** Cells that need no CSV quoting: the ESI ID is the only cell from outside that is not built here. */
const PLAIN_ESIID = /^[0-9A-Za-z]+$/;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;

/**
 * The rows of intervalRows() for several days, as CSV bytes written straight into one buffer of
 * its own (transferable to another thread without a copy): byte for byte what csv-stringify makes
 * of those rows, at a fraction of the cost, since a report has millions of them. Every cell is
 * built here from digits and fixed text, so none needs quoting; an ESI ID that would goes the
 * csv-stringify way. `marked`: each row ends with the estimate columns of TDSP data (`,N,`).
 */
export function intervalCsv(days: readonly UsageDay[], marked = false): Uint8Array {
  const endings = marked ? MARKED_DIRECTION_BYTES : DIRECTION_BYTES;
  const quoted = new Map<UsageDay, Uint8Array>();
  const slotsOf = daySlots();
  let capacity = 0;
  for (const day of days) {
    if (!PLAIN_ESIID.test(day.esiid)) {
      const bytes = Buffer.from(csvChunk(marked ? intervalRows(day).map((row) => [...row, 'N', '']) : intervalRows(day)));
      quoted.set(day, bytes);
      capacity += bytes.length;
    } else {
      capacity += slotsOf(day.operatingDay).length * (day.esiid.length + 33 + 12 + KWH_MAX_CHARS + 2 + endings[day.channel].length);
    }
  }
  const out = Buffer.from(new ArrayBuffer(capacity));
  let at = 0;
  for (const day of days) {
    const ready = quoted.get(day);
    if (ready) {
      out.set(ready, at);
      at += ready.length;
      continue;
    }
    const prefixStart = at;
    const prefixLength = out.write(`${esiidCell(day.esiid)},${usDate(day.operatingDay)},${revisionDate(day.version)},`, at, 'latin1');
    const slots = slotsOf(day.operatingDay);
    const times = slotTimes(slots);
    const direction = endings[day.channel];
    const values = day.values;
    const count = day.intervalCount;
    for (let s = 0; s < slots.length; s++) {
      if (s > 0) out.copyWithin(at, prefixStart, prefixStart + prefixLength);
      at += prefixLength;
      const time = times[s];
      for (let i = 0; i < time.length; i++) out[at++] = time[i];
      const index = slots[s].index;
      let flag = 0;
      if (index !== null && index < count) {
        const b = index * 4;
        const packed = values[b] | (values[b + 1] << 8) | (values[b + 2] << 16) | (values[b + 3] << 24);
        if (packed !== BLANK_INTERVAL) {
          const wh = packedWh(packed);
          const fraction = wh % 1000;
          at = writeDigits(out, at, (wh - fraction) / 1000);
          out[at++] = DOT;
          out[at++] = ZERO + ((fraction / 100) | 0);
          out[at++] = ZERO + (((fraction / 10) | 0) % 10);
          out[at++] = ZERO + (fraction % 10);
          flag = isEstimated(packed) ? 69 /* E */ : 65 /* A */;
        }
      }
      out[at++] = COMMA;
      if (flag !== 0) out[at++] = flag;
      for (let i = 0; i < direction.length; i++) out[at++] = direction[i];
    }
  }
  return new Uint8Array(out.buffer, 0, at);
}

/** reportSlots() remembered for the last day asked: the days of a section mostly share one, and working out its shape is not free. */
export function daySlots(): (operatingDay: string) => readonly IntervalSlot[] {
  let last = '';
  let slots: readonly IntervalSlot[] = [];
  return (operatingDay) => {
    if (operatingDay !== last) {
      slots = reportSlots(operatingDay);
      last = operatingDay;
    }
    return slots;
  };
}

function writeDigits(out: Uint8Array, at: number, value: number): number {
  if (value < 10) {
    out[at] = ZERO + value;
    return at + 1;
  }
  let digits = 1;
  for (let v = value; v >= 10; v = (v - (v % 10)) / 10) digits++;
  for (let i = digits - 1, v = value; i >= 0; i--, v = (v - (v % 10)) / 10) out[at + i] = ZERO + (v % 10);
  return at + digits;
}

function slotTimes(slots: readonly IntervalSlot[]): Uint8Array[] {
  let times = slotBytes.get(slots);
  if (!times) {
    times = slots.map((slot) => latin1(`${slot.start},${slot.end},`));
    slotBytes.set(slots, times);
  }
  return times;
}

function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
