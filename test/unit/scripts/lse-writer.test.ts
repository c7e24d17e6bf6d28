import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { intervalsInDay } from '../../../src/core/cpt';
import { generateLseSet } from '../../../scripts/lib/lse-generator';
import { createLseWriter, formatLseRecord, lseFileName, type LseRecordSpec } from '../../../scripts/lib/lse-writer';
import { SEED_SAMPLE_ROWS } from '../../support/seed-sample';

/** The seed deck's sample record (shared/reference/lse.md), with the rows it leaves out filled in. */
function seedSample(): LseRecordSpec {
  const values: number[] = new Array<number>(96).fill(70);
  const statuses: string[] = new Array<string>(96).fill('A');
  values.splice(0, 8, 68.29, 69.17, 67.99, 67.99, 66.81, 66.52, 67.11, 67.11);
  for (let i = 4; i < 8; i++) statuses[i] = 'E';
  values.splice(92, 4, 77.71, 76.82, 77.41, 7.82);
  return {
    esiid: '1000000000000000',
    channel: 4,
    day: '2008-05-10',
    version: '20080519112825',
    transactionId: 'UNIQUETRANID0123456789',
    sender: '666666666',
    rep: '111111111',
    startReading: '0',
    stopReading: '0',
    values,
    statuses,
  };
}

function lines(text: string): string[] {
  expect(text.endsWith('\n'), 'every row ends with a newline').to.equal(true);
  return text.slice(0, -1).split('\n');
}

function spec(day: string, values: (number | null)[], extra: Partial<LseRecordSpec> = {}): LseRecordSpec {
  return { esiid: '10443720000000001', channel: 4, day, version: '20250702060000', sender: '100000001', values, ...extra };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lse-writer-'));
}

describe('LSE writer', () => {
  it('reproduces the seed sample record row by row', () => {
    const rows = lines(formatLseRecord(seedSample()));
    expect(rows.slice(0, 7)).to.deep.equal(SEED_SAMPLE_ROWS);
    expect(rows).to.have.length(5 + 24);
    expect(rows[28]).to.equal('10000023,77.71,A,,76.82,A,,77.41,A,,7.82,A,,');
  });

  it('fills in the defaults: derived transaction id, origin M, MRE = sender, ERCOT receiver, no reads', () => {
    const rows = lines(formatLseRecord(spec('2025-07-01', new Array<number>(96).fill(0.5), { rep: '200000001' })));
    expect(rows[1]).to.equal('00000002,,,0,,0,,900,01,1,-1,0.0,0.0,CST');
    expect(rows[2]).to.equal('00000003,10443720000000001' + '4' + '20250701' + '20250702060000');
    expect(rows[3]).to.equal('00000004,20250702060000,M');
    expect(rows[4]).to.equal('00000030,ATTRIBUTE_VALUE_PAIRS,MRE=100000001,Sender=100000001,Receiver=183529049,REP=200000001');
  });

  it('leaves the REP item out when there is no REP', () => {
    for (const rep of [null, undefined]) {
      const rows = lines(formatLseRecord(spec('2025-07-01', [1, 2, 3, 4], { rep })));
      expect(rows[4]).to.equal('00000030,ATTRIBUTE_VALUE_PAIRS,MRE=100000001,Sender=100000001,Receiver=183529049');
    }
  });

  for (const [day, rows] of [['2025-03-09', 23], ['2025-07-01', 24], ['2025-11-02', 25]] as const) {
    it(`writes ${rows} detail rows for the ${intervalsInDay(day)} intervals of ${day}`, () => {
      const out = lines(formatLseRecord(spec(day, new Array<number>(intervalsInDay(day)).fill(0.25))));
      expect(out).to.have.length(5 + rows);
      expect(out[5]).to.match(/^10000000,/);
      expect(out[out.length - 1]).to.match(new RegExp(`^${10_000_000 + rows - 1},`));
      // Every detail row carries all its commas: sort code, four triples, trailing delimiter.
      for (const row of out.slice(5)) expect(row.split(',')).to.have.length(14);
    });
  }

  it('prints blank intervals as empty value and status, and values with at most three decimals', () => {
    const out = lines(formatLseRecord(spec('2025-07-01', [0.58, null, 2, 0.1234, 0, 1.0006, null, 0.05])));
    expect(out[5]).to.equal('10000000,0.58,A,,,,,2,A,,0.123,A,,');
    expect(out[6]).to.equal('10000001,0,A,,1.001,A,,,,,0.05,A,,');
  });

  it('writes the given statuses, including ones ingest must reject', () => {
    const out = lines(formatLseRecord(spec('2025-07-01', [1, 1, null, 1], { statuses: ['E', 'X', '', 'A'] })));
    expect(out[5]).to.equal('10000000,1,E,,1,X,,,,,1,A,,');
  });

  it('ends with a short row when the interval count is not a multiple of four', () => {
    const out = lines(formatLseRecord(spec('2025-07-01', new Array<number>(95).fill(0.5))));
    expect(out).to.have.length(5 + 24);
    expect(out[28]).to.equal('10000023,0.5,A,,0.5,A,,0.5,A,,');
  });

  it('names files as ERCOT expects', () => {
    expect(lseFileName('999999999', '20081227113001', 123)).to.equal('999999999IntervalData20081227113001123.lse');
    expect(lseFileName('100000001', '20250702060000', 1)).to.equal('100000001IntervalData20250702060000001.lse');
    expect(() => lseFileName('100000001', '20250702', 1)).to.throw(RangeError);
    expect(() => lseFileName('100000001', '20250702060000', 1000)).to.throw(RangeError);
  });

  it('streams records to a file, more than one chunk of them', async () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'out.lse');
      const writer = createLseWriter(file);
      const records = Array.from({ length: 1500 }, (_, i) =>
        spec('2025-07-01', new Array<number>(96).fill(i / 1000), { esiid: String(10443720000000000 + i) }),
      );
      for (const record of records) await writer.write(record);
      await writer.writeRaw('00000001,cut');
      await writer.close();
      expect(fs.readFileSync(file, 'utf8')).to.equal(records.map(formatLseRecord).join('') + '00000001,cut');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('LSE set generator', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function generate(seed: number, extra: { badPercent?: number; startDay?: string; esiids?: number; records?: number } = {}) {
    const out = tempDir();
    dirs.push(out);
    const set = await generateLseSet({ out, records: extra.records ?? 1000, esiids: extra.esiids ?? 40, perFile: 300, seed, badPercent: extra.badPercent ?? 10, startDay: extra.startDay });
    const contents = set.files.map((f) => fs.readFileSync(f, 'utf8'));
    return { out, set, contents };
  }

  it('writes the requested records in files of the requested size', async () => {
    const { out, set, contents } = await generate(7);
    expect(set.records).to.equal(1000);
    expect(set.files).to.have.length(4);
    expect(set.files.every((f) => path.dirname(f) === out)).to.equal(true);
    expect(set.files.map((f) => path.basename(f))).to.deep.equal([1, 2, 3, 4].map((n) => lseFileName('100000001', '20250302060000', n)));
    const headers = contents.map((c) => c.match(/^00000001,/gm)?.length ?? 0);
    expect(headers).to.deep.equal([300, 300, 300, 100]);
    // About 10% broken: a seeded draw per record, so the exact count is fixed for the seed.
    expect(set.badRecords).to.be.within(60, 140);
    const all = contents.join('');
    expect(all).to.match(/^00000001,10443720000000001,4,20250301000000,20250301235900,Y,N$/m);
    expect(all).to.match(/^00000001,10443720000000001,1,/m);
  });

  it('gives the same files for the same seed and different ones for another', async () => {
    const a = await generate(42);
    const b = await generate(42);
    const c = await generate(43);
    expect(b.set).to.deep.include({ records: a.set.records, badRecords: a.set.badRecords });
    expect(b.contents).to.deep.equal(a.contents);
    expect(c.contents).to.not.deep.equal(a.contents);
  });

  it('follows the calendar across the spring-forward day', async () => {
    const { contents } = await generate(1, { badPercent: 0, startDay: '2025-03-08', esiids: 5, records: 18 });
    const records = contents.join('').split(/(?=^00000001,)/m);
    expect(records).to.have.length(18);
    const detailRows = (r: string): number => r.split('\n').filter((l) => l.startsWith('1000')).length;
    const byDay = (day: string): number[] => records.filter((r) => r.includes(`,${day}000000,`)).map(detailRows);
    expect(byDay('20250308')).to.deep.equal([24, 24, 24, 24, 24, 24]);
    expect(byDay('20250309')).to.deep.equal([23, 23, 23, 23, 23, 23]);
    expect(byDay('20250310')).to.deep.equal([24, 24, 24, 24, 24, 24]);
  });
});
