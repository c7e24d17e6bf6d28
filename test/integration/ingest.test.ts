import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { cptToday } from '../../src/core/cpt';
import { historyStart } from '../../src/usage/report-request.rules';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';

const NORMAL_DAY = '100000001IntervalData20250702060000001.lse';
const REPLACEMENT = '100000001IntervalData20250703060000001.lse';
const OLDER_VERSION = '100000001IntervalData20250701120000001.lse';
const SPRING = '100000001IntervalData20250310060000001.lse';
const FALL = '100000001IntervalData20251103060000001.lse';
const MIXED_BAD = 'broken/100000001IntervalData20250703070000001.lse';
const TRUNCATED = 'broken/100000001IntervalData20250704070000001.lse';
const NOT_LSE_FIRST_ROW = 'broken/100000001IntervalData20250705070000001.lse';
const MISSING_HEADER_ROW = 'broken/100000001IntervalData20250706070000001.lse';
const BINARY = 'broken/100000001IntervalData20250707070000001.lse';
const EMPTY = 'broken/100000001IntervalData20250708070000001.lse';
/** More than 48 months before any day these tests run on. */
const OLD_DAY = '2022-11-01';

describe('smt ingest (LSE files into the embedded database)', () => {
  let cli: CliHarness;
  const rows = (where = '1 = 1'): number => {
    const db = new Database(path.join(cli.dataDir, 'smt.sqlite'), { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM interval_day WHERE ${where}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    cli = new CliHarness('smt-ingest-');
    await importRegistryFixtures(cli);
  });
  afterEach(() => cli.remove());

  it('loads a normal day for a TDSP (--for) and files the activity report in its folder', async () => {
    const { status, results } = await cli.ingestJson('--for', 'Demo TDSP', lseFixture(NORMAL_DAY));
    expect(status).to.equal(0);
    expect(results).to.deep.equal([
      { file: NORMAL_DAY, status: 'loaded', fileCode: null, records: { total: 12, byCode: { '00': 12 } }, rejected: [] },
    ]);
    expect(rows()).to.equal(12);
    const reports = fs.readdirSync(path.join(cli.dataDir, 'ftps', '100000001', 'reports'));
    expect(reports).to.have.length(1);
    const report = fs.readFileSync(path.join(cli.dataDir, 'ftps', '100000001', 'reports', reports[0]), 'utf8');
    expect(report.split('\r\n')[0]).to.equal('RECORD_TYPE,FILE_NAME,ESIID,OPERATING_DAY,CHANNEL,CODE,COUNT,DESCRIPTION');
    expect(report).to.contain(`SUMMARY,${NORMAL_DAY},,,,00,12,loaded`);
  });

  it('stores DST days with 92 and 100 intervals and prints them in prevailing time', async () => {
    const { results } = await cli.ingestJson(lseFixture(SPRING), lseFixture(FALL));
    expect(results.map((r) => r.records.byCode)).to.deep.equal([{ '00': 3 }, { '00': 3 }]);
    const spring = await cli.run('usage', '10443720000000001', '--from', '2025-03-09', '--to', '2025-03-09');
    const springLines = spring.out.trim().split('\n');
    expect(springLines).to.have.length(1 + 92);
    expect(springLines[8].split(',')[3]).to.equal('02:00');
    expect(springLines[9].split(',')[3]).to.equal('03:15');
    const fall = (await cli.run('usage', '10443720000000001', '--from', '2025-11-02', '--to', '2025-11-02')).out.trim().split('\n');
    expect(fall).to.have.length(1 + 100);
    expect(fall.slice(1).map((l) => l.split(',')[3]).filter((t) => t.endsWith('*'))).to.deep.equal(['01:15*', '01:30*', '01:45*', '02:00*']);
  });

  it('replaces a day with a newer version, keeps the old one queryable, and refuses an older one (05)', async () => {
    await cli.ingestJson(lseFixture(NORMAL_DAY));
    const newer = await cli.ingestJson(lseFixture(REPLACEMENT));
    expect(newer.results[0].records.byCode).to.deep.equal({ '00': 2 });
    const older = await cli.ingestJson(lseFixture(OLDER_VERSION));
    expect(older.results[0].records.byCode).to.deep.equal({ '05': 1 });
    expect(older.results[0].rejected[0]).to.include({ esiid: '10443720000000003', operatingDay: '2025-07-01', channel: 4, code: '05' });
    const latest = await cli.run('usage', '10443720000000001', '--from', '2025-07-01', '--to', '2025-07-01', '--channel', '4');
    const all = await cli.run('usage', '10443720000000001', '--from', '2025-07-01', '--to', '2025-07-01', '--channel', '4', '--all-versions');
    expect(new Set(latest.out.trim().split('\n').slice(1).map((l) => l.split(',')[6]))).to.deep.equal(new Set(['20250703060000']));
    expect(all.out.trim().split('\n')).to.have.length(1 + 2 * 96);
    expect(rows("esiid = '10443720000000001' AND channel = 4 AND operating_day = '2025-07-01'")).to.equal(2);
  });

  it('changes nothing when the same file is loaded twice, and says so (08)', async () => {
    await cli.ingestJson(lseFixture(NORMAL_DAY));
    const again = await cli.ingestJson(lseFixture(NORMAL_DAY));
    expect(again.status).to.equal(0);
    expect(again.results[0].records).to.deep.equal({ total: 12, byCode: { '08': 12 } });
    expect(rows()).to.equal(12);
    const human = await cli.run('ingest', lseFixture(NORMAL_DAY));
    expect(human.out).to.contain('already loaded: nothing changed');
  });

  it('keeps the good records of a file and gives each bad one its code and reason', async () => {
    const { status, results } = await cli.ingestJson(lseFixture(MIXED_BAD));
    expect(status).to.equal(0);
    expect(results[0].records.byCode).to.deep.equal({ '00': 3, '01': 3, '02': 2, '03': 2, '04': 1, '06': 2, '07': 1 });
    const byCode = (code: string) => results[0].rejected.filter((r) => r.code === code).map((r) => r.reason);
    expect(byCode('02').join()).to.contain('"abc" is not a number');
    expect(byCode('01').join()).to.contain('status "X" is not A or E');
    expect(byCode('04').join()).to.contain('2099-07-01');
    expect(byCode('07').join()).to.contain('repeats ESI ID 10443720000000001');
    expect(rows()).to.equal(3);
  });

  it('loads the whole records of a truncated file and flags the cut one (03)', async () => {
    const { results } = await cli.ingestJson(lseFixture(TRUNCATED));
    expect(results[0].records.byCode).to.deep.equal({ '00': 2, '03': 1 });
  });

  for (const [name, reason] of [
    [NOT_LSE_FIRST_ROW, 'expected a 00000001 row'],
    [MISSING_HEADER_ROW, 'has no 00000004 row'],
    [BINARY, 'binary data'],
    [EMPTY, 'no data records'],
  ] as const) {
    it(`rejects ${path.basename(name)} as a whole (F2: ${reason})`, async () => {
      const { status, results } = await cli.ingestJson(lseFixture(name));
      expect(status).to.equal(1);
      expect(results[0]).to.include({ status: 'rejected', fileCode: 'F2' });
      expect(results[0].rejected).to.deep.equal([]);
      expect(rows()).to.equal(0);
      const report = await cli.run('ingest', lseFixture(name));
      expect(report.out).to.contain(reason);
    });
  }

  it('rejects a record whose ESI ID belongs to another TDSP (09)', async () => {
    const file = path.join(cli.dataDir, '100000002IntervalData20250702060000009.lse');
    const text = fs.readFileSync(lseFixture(NORMAL_DAY), 'latin1').split('\n').slice(0, 29).join('\n').replace(/Sender=100000001/, 'Sender=100000002');
    fs.writeFileSync(file, `${text}\n`);
    const { results } = await cli.ingestJson(file);
    expect(results[0].records.byCode).to.deep.equal({ '09': 1 });
    expect(results[0].rejected[0].reason).to.contain('belongs to TDSP 100000001');
  });

  it("says in --help that an operator's load takes any sender's file, and logs the operator's OS user", async () => {
    const help = await cli.run('ingest', '--help');
    expect(help.out).to.match(/operator, ingest loads any registered TDSP's records, whatever their Sender/);
    expect(help.out).to.contain('--for TDSP');
    // The operator may load another TDSP's file whatever its name: no FTPS folder gets its report.
    const renamed = path.join(cli.dataDir, '100000001IntervalData20250702060000009.lse');
    fs.copyFileSync(lseFixture('100000002IntervalData20250702060000001.lse'), renamed);
    const { results } = await cli.ingestJson(renamed);
    expect(results[0].records.byCode).to.deep.equal({ '00': 1 });
    expect(fs.existsSync(path.join(cli.dataDir, 'ftps'))).to.equal(false);
    const logged = fs.readFileSync(path.join(cli.dataDir, 'logs', 'smt.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const line = logged.find((l) => l.message === 'ingest: file processed' && l.file === path.basename(renamed));
    expect(line).to.include({ loadedBy: 'operator', osUser: os.userInfo().username, senderDuns: '100000002' });
  });

  it("refuses (09) another sender's records in a file loaded --for a TDSP, naming both DUNS, and reports to that TDSP only", async () => {
    const file = path.join(cli.dataDir, '100000002IntervalData20250702060000001.lse');
    fs.copyFileSync(lseFixture('100000002IntervalData20250702060000001.lse'), file);
    const { results } = await cli.ingestJson('--for', '100000001', file);
    expect(results[0].records.byCode).to.deep.equal({ '09': 1 });
    expect(results[0].rejected[0].reason).to.match(/sender 100000002 is not the uploader's DUNS: the file came from Demo TDSP \(DUNS 100000001\)/);
    expect(rows()).to.equal(0);
    expect(fs.readdirSync(path.join(cli.dataDir, 'ftps'))).to.deep.equal(['100000001']);
    const bad = await cli.run('ingest', '--for', 'Demo REP', file);
    expect(bad.status).to.equal(2);
    expect(bad.err).to.contain(`--for "Demo REP" is not a registered TDSP's name or DUNS`);
  });

  it('refuses (10) a record older than the history kept, and loads the rest of its file', async () => {
    const old = formatLseRecord({ esiid: '10443720000000001', channel: 4, day: OLD_DAY, version: '20221102060000', sender: '100000001', rep: '200000001', values: Array(96).fill(0.5) });
    const file = path.join(cli.dataDir, 'old-and-new.lse');
    fs.writeFileSync(file, old + fs.readFileSync(lseFixture(NORMAL_DAY), 'latin1'), 'latin1');
    const { results } = await cli.ingestJson(file);
    expect(results[0].records.byCode).to.deep.equal({ '00': 12, '10': 1 });
    expect(results[0].rejected[0]).to.include({ operatingDay: OLD_DAY, code: '10' });
    expect(results[0].rejected[0].reason).to.contain(`the oldest day loadable today is ${historyStart('INTERVAL', cptToday())}`);
    expect(rows(`operating_day = '${OLD_DAY}'`)).to.equal(0);
  });

  it('says which path does not exist and exits non-zero', async () => {
    const r = await cli.run('ingest', path.join(cli.dataDir, 'nope.lse'));
    expect(r.status).to.equal(2);
    expect(r.err).to.contain('nope.lse: no such file or folder');
  });
});
