/**
 * Regenerates fixtures/lse/: small, real-looking LSE files for tests, including DST days, a
 * replacement, an outdated version and one file per kind of damage. Deterministic: running it
 * again rewrites the same bytes, so a diff after a run means the fixtures really changed.
 *   node -r ts-node/register/transpile-only scripts/make-fixtures.ts
 * The identities match fixtures/registry/*.csv; fixtures/lse/README.md and broken/README.md
 * describe every file and the result each record must get.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, reportSlots } from '../src/core/cpt';
import { formatLseRecord, formatLseValue, type LseRecordSpec } from './lib/lse-writer';
import { generatedEsiid, seededRandom } from './lib/lse-generator';

const OUT = join(__dirname, '..', 'fixtures', 'lse');
const TDSP = '100000001';
const OTHER_TDSP = '100000002';
const REP = '200000001';
const SECOND_REP = '200000002';
const OTHER_TDSP_REP = '2000000011234';
const OTHER_TDSP_ESIID = '1008901000000000000001';
// Far enough ahead to stay in the future for the life of the project, and fixed so reruns match.
const FUTURE_DAY = '2099-07-01';

const esiid = (n: number): string => generatedEsiid(n);

/** REP of record as in fixtures/registry/rep-of-record.csv. */
function repOf(n: number, day: string): string {
  if (n <= 5) return REP;
  if (n === 6) return day >= '2025-07-16' ? SECOND_REP : REP;
  return SECOND_REP;
}

const compact = (day: string): string => day.replace(/-/g, '');
const versionFor = (day: string): string => compact(addDays(day, 1)) + '060000';

/** FNV-1a: a stable seed per record, so editing one fixture never reshuffles the others. */
function seedOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// Typical kWh per 15 minutes by clock hour: summer has the afternoon air-conditioning peak,
// spring and autumn a morning and an evening peak.
const SUMMER = [0.55, 0.5, 0.45, 0.42, 0.4, 0.42, 0.5, 0.55, 0.5, 0.5, 0.55, 0.65,
  0.8, 0.95, 1.1, 1.25, 1.4, 1.5, 1.45, 1.3, 1.1, 0.9, 0.75, 0.62];
const SHOULDER = [0.22, 0.2, 0.18, 0.18, 0.2, 0.28, 0.45, 0.55, 0.4, 0.3, 0.28, 0.3,
  0.3, 0.28, 0.28, 0.3, 0.38, 0.55, 0.7, 0.72, 0.6, 0.45, 0.35, 0.26];
const SUN = [0, 0, 0, 0, 0, 0, 0, 0.05, 0.2, 0.4, 0.55, 0.65,
  0.7, 0.68, 0.6, 0.48, 0.3, 0.12, 0.02, 0, 0, 0, 0, 0];

function hours(day: string): number[] {
  const out: number[] = [];
  for (const slot of reportSlots(day)) if (slot.index !== null) out.push(Number(slot.start.slice(0, 2)));
  return out;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const total = (values: (number | null)[]): number => round3(values.reduce<number>((s, v) => s + (v ?? 0), 0));

/** A household's consumption for a day, between 0.05 and 2.5 kWh per interval. */
function consumption(n: number, day: string): number[] {
  const random = seededRandom(seedOf(`${n}|4|${day}`));
  const shape = day.slice(5, 7) >= '05' && day.slice(5, 7) <= '09' ? SUMMER : SHOULDER;
  const size = 0.55 + (n % 5) * 0.12;
  return hours(day).map((h) => round3(Math.min(2.5, Math.max(0.05, shape[h] * size * (0.75 + 0.5 * random())))));
}

/** Surplus generation: what the panels make beyond the home's own use; zero most of the day. */
function surplus(n: number, day: string, load: number[]): number[] {
  const random = seededRandom(seedOf(`${n}|1|${day}`));
  return hours(day).map((h, j) => round3(Math.max(0, SUN[h] * (0.9 + 0.3 * random()) - load[j] * 0.6)));
}

/** Register reads that differ from one ESI ID to the next but stay fixed between runs. */
function startReadingOf(n: number, day: string): number {
  return 10_000 + (seedOf(`${n}|reading|${day}`) % 40_000_000) / 1000;
}

interface Consumption {
  spec: LseRecordSpec;
  values: number[];
}

function consumptionRecord(n: number, day: string, change?: (values: number[], statuses: string[]) => void): Consumption {
  const values = consumption(n, day);
  const statuses = values.map(() => 'A');
  change?.(values, statuses);
  const start = startReadingOf(n, day);
  return {
    values,
    spec: {
      esiid: esiid(n), channel: 4, day, version: versionFor(day), sender: TDSP, rep: repOf(n, day),
      startReading: formatLseValue(start), stopReading: formatLseValue(start + total(values)), values, statuses,
    },
  };
}

function generationRecord(n: number, day: string): LseRecordSpec {
  const values = surplus(n, day, consumption(n, day));
  return { esiid: esiid(n), channel: 1, day, version: versionFor(day), sender: TDSP, rep: repOf(n, day), values };
}

function estimate(from: number, to: number): (values: number[], statuses: string[]) => void {
  return (_values, statuses) => {
    for (let i = from; i <= to; i++) statuses[i - 1] = 'E';
  };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const records = (specs: LseRecordSpec[]): string => specs.map(formatLseRecord).join('');

function write(name: string, content: string | Buffer): void {
  writeFileSync(join(OUT, name), content);
  console.log(`${name}  ${content.length} bytes`);
}

// Estimated runs of the 2025-07-01 file (1-based interval numbers); the replacement fixes ESI ID 01's.
const JULY_1_ESTIMATES: Record<number, [number, number]> = { 1: [33, 36], 5: [61, 64], 8: [1, 8] };

function julyFirst(n: number): Consumption {
  const run = JULY_1_ESTIMATES[n];
  return consumptionRecord(n, '2025-07-01', run ? estimate(run[0], run[1]) : undefined);
}

function goodFiles(): void {
  const day = '2025-07-01';
  write(`${TDSP}IntervalData20250702060000001.lse`, records([
    ...range(1, 10).map((n) => julyFirst(n).spec),
    generationRecord(1, day),
    generationRecord(2, day),
  ]));

  for (const [name, dstDay] of [['20250310060000', '2025-03-09'], ['20251103060000', '2025-11-02']]) {
    write(`${TDSP}IntervalData${name}001.lse`, records(range(1, 3).map((n) => consumptionRecord(n, dstDay).spec)));
  }

  // Replacement: ESI ID 01's estimated 08:15-09:00 becomes actual reads; ESI ID 02's 17:15-18:00
  // is corrected upwards (the first file under-read the meter there).
  const replaced = [1, 2].map((n) => {
    const first = julyFirst(n);
    const values = [...first.values];
    const statuses = values.map(() => 'A');
    if (n === 1) for (const i of range(33, 36)) values[i - 1] = round3(values[i - 1] + 0.137);
    if (n === 2) for (const i of range(69, 72)) values[i - 1] = round3(values[i - 1] + 0.25);
    const start = Number(first.spec.startReading);
    return {
      ...first.spec, version: '20250703060000', values, statuses,
      stopReading: formatLseValue(start + total(values)),
    };
  });
  write(`${TDSP}IntervalData20250703060000001.lse`, records(replaced));

  // An earlier, preliminary version: the afternoon was estimated flat before the reads came in.
  const preliminary = julyFirst(3);
  const values = preliminary.values.map((v, j) => (j >= 48 ? 0.5 : v));
  const statuses = values.map((_, j) => (j >= 48 ? 'E' : 'A'));
  const start = Number(preliminary.spec.startReading);
  write(`${TDSP}IntervalData20250701120000001.lse`, records([{
    ...preliminary.spec, version: '20250701120000', values, statuses, stopReading: formatLseValue(start + total(values)),
  }]));

  // Four days across ESI ID 06's switch of REP on 2025-07-16; register reads carry over day to day.
  const multiDay: LseRecordSpec[] = [];
  const stops = new Map<number, string>();
  for (const d of range(14, 17)) {
    for (const n of [6, 1]) {
      const record = consumptionRecord(n, `2025-07-${d}`).spec;
      const start = stops.get(n) ?? record.startReading!;
      const stop = formatLseValue(Number(start) + total(record.values));
      stops.set(n, stop);
      multiDay.push({ ...record, startReading: start, stopReading: stop });
    }
  }
  write(`${TDSP}IntervalData20250716060000001.lse`, records(multiDay));

  // The other TDSP sends no register reads (zeros) and a 13-digit DUNS+4 for its REP.
  write(`${OTHER_TDSP}IntervalData20250702060000001.lse`, records([{
    ...consumptionRecord(1, day).spec, esiid: OTHER_TDSP_ESIID, sender: OTHER_TDSP, rep: OTHER_TDSP_REP,
    values: consumption(101, day), statuses: undefined, startReading: '0', stopReading: '0',
  }]));
}

/** Replaces one interval's value (1-based) in formatted record text. */
function setInterval(text: string, interval: number, value: string): string {
  const lines = text.split('\n');
  const row = lines.findIndex((l) => l.startsWith(String(10_000_000 + Math.floor((interval - 1) / 4)) + ','));
  const fields = lines[row].split(',');
  fields[1 + ((interval - 1) % 4) * 3] = value;
  lines[row] = fields.join(',');
  return lines.join('\n');
}

function brokenFiles(): void {
  const dir = 'broken';
  mkdirSync(join(OUT, dir), { recursive: true });
  const name = (stamp: string): string => `${dir}/${TDSP}IntervalData${stamp}001.lse`;

  // One record per kind of fault between good ones; the comment gives the expected result code.
  const day = '2025-07-02';
  const good = (n: number): LseRecordSpec => consumptionRecord(n, day).spec;
  const first = formatLseRecord(good(1));
  const negative = good(9);
  negative.values = [...negative.values];
  negative.values[19] = -0.125;
  write(name('20250703070000'), [
    first, // 00
    formatLseRecord(good(2)), // 00
    setInterval(formatLseRecord(good(3)), 30, 'abc'), // 02 non-numeric value
    formatLseRecord({ ...good(4), statuses: good(4).values.map((_, j) => (j === 44 ? 'X' : 'A')) }), // 01
    formatLseRecord({ ...good(5), values: good(5).values.slice(0, 95), statuses: undefined }), // 03: 95 intervals
    formatLseRecord(good(6)).replace('235900,Y,N', '234500,Y,N'), // 03: stops at 23:45:00
    formatLseRecord({ ...good(7), day: '2025-02-31', version: '20250301060000' }), // 02: no such date
    formatLseRecord(consumptionRecord(8, FUTURE_DAY).spec), // 04 future-dated
    formatLseRecord(negative), // 01 negative value
    formatLseRecord({ ...good(10), channel: 7 }), // 01 unknown channel
    first, // 07 duplicate of the first record
    // The bad ESI IDs get plain transaction ids, so the ESI ID stays their only fault.
    formatLseRecord({ ...good(3), esiid: '1044372000000 0003', transactionId: 'MALFORMEDESIID01' }), // 06 space
    formatLseRecord({ ...good(4), esiid: esiid(4).padEnd(70, '0'), transactionId: 'MALFORMEDESIID02' }), // 06 70 chars
    formatLseRecord(generationRecord(1, day)), // 00: reading goes on after the faults
  ].join(''));

  // Cut mid-row, after a whole interval, so the only fault is the short record (and no final newline).
  const cut = formatLseRecord(consumptionRecord(3, '2025-07-03').spec);
  const rowStart = cut.indexOf('\n10000012,') + 1;
  const afterTwo = nthIndexOf(cut, ',,', rowStart, 2) + 2;
  write(name('20250704070000'), records([1, 2].map((n) => consumptionRecord(n, '2025-07-03').spec)) + cut.slice(0, afterTwo));

  write(name('20250705070000'), 'LSE INTERVAL DATA 100000001 20250705070000\n' +
    records([1, 2].map((n) => consumptionRecord(n, '2025-07-04').spec)));

  const noVersionRow = formatLseRecord(consumptionRecord(2, '2025-07-05').spec).replace(/^00000004,[^\n]*\n/m, '');
  write(name('20250706070000'), formatLseRecord(consumptionRecord(1, '2025-07-05').spec) + noVersionRow +
    formatLseRecord(consumptionRecord(3, '2025-07-05').spec));

  const random = seededRandom(seedOf('garbage'));
  write(name('20250707070000'), Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))));

  write(name('20250708070000'), '');
}

function nthIndexOf(text: string, search: string, from: number, n: number): number {
  let at = from - 1;
  for (let i = 0; i < n; i++) at = text.indexOf(search, at + 1);
  return at;
}

mkdirSync(OUT, { recursive: true });
goodFiles();
brokenFiles();
