/**
 * Synthetic LSE sets for benchmarks and soak tests: millions of records, deterministic for a
 * seed, streamed file by file so memory stays flat however many records are asked for.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays, dayKind, intervalsInDay, reportSlots, type DayKind } from '../../src/core/cpt';
import { createLseWriter, formatLseRecord, lseFileName, type LseRecordSpec } from './lse-writer';

export interface LseGeneratorOptions {
  out: string;
  records: number;
  /** How many ESI IDs the records cycle over (default 10,000). */
  esiids?: number;
  /** First operating day (default 2025-03-01, so longer runs cross the spring-forward day). */
  startDay?: string;
  sender?: string;
  /** null leaves the REP item out of every record. */
  rep?: string | null;
  /** Share of broken records, in percent (default 1). */
  badPercent?: number;
  /** Records per file; ERCOT rejects files above 50,000 (default 50,000). */
  perFile?: number;
  seed?: number;
  /** Timestamp in the first file name (default: the day after startDay, 06:00:00). */
  createdAt?: string;
  /**
   * Midnight register reads in 00000002 of channel-4 records, as Oncor sends them (default true:
   * real-shaped records, ~1,400 bytes each); false leaves both fields empty, as CenterPoint does.
   */
  registerReads?: boolean;
}

export interface LseGeneratedSet {
  files: string[];
  records: number;
  badRecords: number;
}

export const BAD_RECORD_KINDS = ['non-numeric-value', 'bad-status', 'interval-count', 'bad-date', 'future-day'] as const;
export type BadRecordKind = (typeof BAD_RECORD_KINDS)[number];

/** mulberry32: tiny, fast and good enough for test data; the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generatedEsiid(index: number): string {
  return '1044372' + String(index).padStart(10, '0');
}

// Every tenth premise has rooftop solar, so it also sends a generation (channel 1) record.
const SOLAR_EVERY = 10;
const FAR_FUTURE_DAY = '2099-01-01';
const NON_NUMERIC = ['N/A', '1.2.3', '12a', '0x1F'];
const BAD_STATUSES = ['X', 'Q', 'Z'];
const BAD_MONTH_DAYS = ['-02-30', '-04-31', '-13-01', '-00-10'];
const COUNT_DELTAS = [-4, -1, 1, 4];
// Interval noise spans 0.75..1.25 of the premise's typical load, in 256 steps.
const NOISE_STEP = 500 / 256;

export async function generateLseSet(options: LseGeneratorOptions): Promise<LseGeneratedSet> {
  const o = withDefaults(options);
  await mkdir(o.out, { recursive: true });
  const random = seededRandom(o.seed);
  const slots = daySlots(o.esiids);
  const files: string[] = [];
  let badRecords = 0;
  let written = 0;
  let day = o.startDay;
  let slot = 0;
  while (written < o.records) {
    const file = join(o.out, fileNameAt(o.sender, o.createdAt, files.length));
    files.push(file);
    const writer = createLseWriter(file);
    const inFile = Math.min(o.perFile, o.records - written);
    for (let n = 0; n < inFile; n++) {
      const channel = slots.channels[slot];
      const spec = goodRecord(o, slots.esiids[slot], channel, day, random);
      if (random() * 100 < o.badPercent) {
        badRecords++;
        await writer.writeRaw(breakRecord(spec, random));
      } else {
        await writer.write(spec);
      }
      if (++slot === slots.channels.length) {
        slot = 0;
        day = addDays(day, 1);
      }
    }
    await writer.close();
    written += inFile;
  }
  return { files, records: written, badRecords };
}

type Options = Required<Omit<LseGeneratorOptions, 'rep'>> & { rep: string | null };

function withDefaults(options: LseGeneratorOptions): Options {
  const startDay = options.startDay ?? '2025-03-01';
  const o: Options = {
    out: options.out,
    records: options.records,
    esiids: options.esiids ?? 10_000,
    startDay,
    sender: options.sender ?? '100000001',
    rep: options.rep === undefined ? '200000001' : options.rep,
    badPercent: options.badPercent ?? 1,
    perFile: options.perFile ?? 50_000,
    seed: options.seed ?? 1,
    createdAt: options.createdAt ?? compact(addDays(startDay, 1)) + '060000',
    registerReads: options.registerReads ?? true,
  };
  if (!Number.isInteger(o.records) || o.records < 0) throw new RangeError('records must be a whole number >= 0');
  if (!Number.isInteger(o.esiids) || o.esiids < 1) throw new RangeError('esiids must be a whole number >= 1');
  if (!Number.isInteger(o.perFile) || o.perFile < 1) throw new RangeError('perFile must be a whole number >= 1');
  if (!(o.badPercent >= 0 && o.badPercent <= 100)) throw new RangeError('badPercent must be 0..100');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.startDay)) throw new RangeError('startDay must be YYYY-MM-DD');
  return o;
}

/** The (ESI ID, channel) pairs of one operating day, in file order. */
function daySlots(esiids: number): { esiids: Int32Array; channels: Uint8Array } {
  const size = esiids + Math.ceil(esiids / SOLAR_EVERY);
  const ids = new Int32Array(size);
  const channels = new Uint8Array(size);
  let i = 0;
  for (let k = 1; k <= esiids; k++) {
    ids[i] = k;
    channels[i++] = 4;
    if (k % SOLAR_EVERY === 1) {
      ids[i] = k;
      channels[i++] = 1;
    }
  }
  return { esiids: ids, channels };
}

/** Files past the 999th counter move the name's timestamp on by a second. */
function fileNameAt(sender: string, createdAt: string, index: number): string {
  const t = Date.UTC(+createdAt.slice(0, 4), +createdAt.slice(4, 6) - 1, +createdAt.slice(6, 8),
    +createdAt.slice(8, 10), +createdAt.slice(10, 12), +createdAt.slice(12, 14));
  const stamp = new Date(t + Math.floor(index / 999) * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
  return lseFileName(sender, stamp, (index % 999) + 1);
}

function compact(day: string): string {
  return day.slice(0, 4) + day.slice(5, 7) + day.slice(8, 10);
}

function goodRecord(o: Options, esiIndex: number, channel: number, day: string, random: () => number): LseRecordSpec {
  const shape = dayShape(day, channel);
  const scale = premiseScale(esiIndex);
  const values = scratchValues(shape.length);
  let noise = 0;
  let totalMilli = 0;
  for (let j = 0; j < shape.length; j++) {
    // One 32-bit draw gives the noise of four intervals: a quarter of the PRNG calls.
    if ((j & 3) === 0) noise = (random() * 4294967296) >>> 0;
    const factor = 750 + ((noise >>> ((j & 3) * 8)) & 255) * NOISE_STEP;
    // Whole milli-kWh keep the printed values at three decimals or fewer (the writer rounds
    // to the thousandth, so multiplying by 0.001 instead of dividing changes nothing printed).
    const milli = Math.round(shape[j] * scale * factor);
    totalMilli += milli;
    values[j] = milli * 0.001;
  }
  let statuses: string[] | undefined;
  if (random() < 0.02) {
    // A short estimated run, as when a meter misses a read and the TDSP fills the gap.
    statuses = new Array<string>(values.length).fill('A');
    const from = Math.floor(random() * (values.length - 4));
    for (let j = from; j < from + 4; j++) statuses[j] = 'E';
  }
  const reads = o.registerReads && channel === 4 ? registerReadsOf(esiIndex, day, totalMilli) : null;
  return {
    esiid: generatedEsiid(esiIndex),
    channel,
    day,
    version: versionOf(day),
    sender: o.sender,
    rep: o.rep,
    values,
    statuses,
    startReading: reads?.[0],
    stopReading: reads?.[1],
  };
}

/**
 * Start and stop register reads (kWh, three decimals) that differ between premises and grow by
 * about 30 kWh a day, with stop − start = the day's interval total, as a real meter's would.
 */
function registerReadsOf(esiIndex: number, day: string, totalMilli: number): [string, string] {
  const dayNumber = Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
  const start = 10_000_000 + ((Math.imul(esiIndex, 40503) >>> 0) % 40_000_000) + dayNumber * 30_000;
  return [milliText(start), milliText(start + totalMilli)];
}

function milliText(milli: number): string {
  const whole = Math.floor(milli / 1000);
  return `${whole}.${String(milli - whole * 1000).padStart(3, '0')}`;
}

// One values array per interval count, refilled for every record: records are formatted as soon
// as they are handed to the writer, and allocating 96 numbers per record was a large share of the cost.
const scratch = new Map<number, number[]>();
function scratchValues(length: number): number[] {
  let values = scratch.get(length);
  if (!values) {
    values = new Array<number>(length).fill(0.5);
    scratch.set(length, values);
  }
  return values;
}

let lastVersionDay = '';
let lastVersion = '';
function versionOf(day: string): string {
  if (day !== lastVersionDay) {
    lastVersionDay = day;
    lastVersion = compact(addDays(day, 1)) + '060000';
  }
  return lastVersion;
}

/** A steady per-premise size between 0.5 and 1.5, from the index alone so it never drifts. */
function premiseScale(esiIndex: number): number {
  return 0.5 + (Math.imul(esiIndex, 2654435761) >>> 0) / 4294967296;
}

// Hourly kWh per 15 minutes of a typical Texas home (afternoon air-conditioning peak) and of a
// small rooftop array; both are looked up by local clock hour so DST days keep the right shape.
const LOAD_BY_HOUR = [0.35, 0.3, 0.28, 0.27, 0.27, 0.3, 0.38, 0.45, 0.42, 0.4, 0.42, 0.48,
  0.55, 0.62, 0.7, 0.8, 0.9, 0.95, 0.92, 0.85, 0.75, 0.62, 0.5, 0.42];
const SOLAR_BY_HOUR = [0, 0, 0, 0, 0, 0, 0, 0.02, 0.1, 0.22, 0.32, 0.38,
  0.4, 0.38, 0.32, 0.24, 0.14, 0.05, 0.01, 0, 0, 0, 0, 0];
const shapes = new Map<string, number[]>();
// Records come day by day, so remembering the last day's kind saves a DST calculation per record.
let lastShapeDay = '';
let lastKind: DayKind = 'normal';

function dayShape(day: string, channel: number): number[] {
  if (day !== lastShapeDay) {
    lastShapeDay = day;
    lastKind = dayKind(day);
  }
  const key = lastKind + channel;
  let shape = shapes.get(key);
  if (!shape) {
    const byHour = channel === 1 ? SOLAR_BY_HOUR : LOAD_BY_HOUR;
    shape = [];
    for (const slot of reportSlots(day)) {
      if (slot.index !== null) shape.push(byHour[Number(slot.start.slice(0, 2))]);
    }
    shapes.set(key, shape);
  }
  return shape;
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)];
}

/** One fault per record, so each broken record fails for exactly one documented reason. */
function breakRecord(spec: LseRecordSpec, random: () => number): string {
  const kind = pick(BAD_RECORD_KINDS, random);
  switch (kind) {
    case 'non-numeric-value': {
      const text = formatLseRecord(spec);
      const at = text.indexOf('\n10000000,') + 10;
      return text.slice(0, at) + pick(NON_NUMERIC, random) + text.slice(text.indexOf(',', at));
    }
    case 'bad-status': {
      const statuses = spec.statuses ?? new Array<string>(spec.values.length).fill('A');
      statuses[Math.floor(random() * statuses.length)] = pick(BAD_STATUSES, random);
      return formatLseRecord({ ...spec, statuses });
    }
    case 'interval-count': {
      const count = intervalsInDay(spec.day) + pick(COUNT_DELTAS, random);
      const values = Array.from({ length: count }, (_, j) => spec.values[j % spec.values.length]);
      return formatLseRecord({ ...spec, values, statuses: undefined });
    }
    case 'bad-date':
      return formatLseRecord({ ...spec, day: spec.day.slice(0, 4) + pick(BAD_MONTH_DAYS, random) });
    case 'future-day': {
      let day = addDays(FAR_FUTURE_DAY, Math.floor(random() * 365));
      // Keep the interval count right for the new day, so being future-dated is its only fault.
      while (intervalsInDay(day) !== spec.values.length) day = addDays(day, 1);
      return formatLseRecord({ ...spec, day, version: versionOf(day), transactionId: undefined });
    }
  }
}
