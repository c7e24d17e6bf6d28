import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';

const SWITCH_FILE = '100000001IntervalData20250716060000001.lse';

describe('smt report (synchronous CSV, access rules)', () => {
  let cli: CliHarness;

  before(async () => {
    cli = new CliHarness('smt-report-');
    await importRegistryFixtures(cli);
    const load = await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'), lseFixture(SWITCH_FILE), lseFixture('100000001IntervalData20251103060000001.lse'), lseFixture('100000001IntervalData20250703060000001.lse'));
    expect(load.status).to.equal(0);
  });
  after(() => cli.remove());

  const report = (...args: string[]) => cli.run('report', ...args);
  const dataLines = (out: string) => out.trim().split('\r\n').slice(1);

  it('gives each REP exactly its own days of an ESI ID that switched REPs mid-range', async () => {
    const first = await report('--type', 'daily', '--duns', '200000001', '--from', '07/14/2025', '--to', '07/17/2025', '--esiid', '10443720000000006');
    const second = await report('--type', 'daily', '--duns', '200000002', '--from', '07/14/2025', '--to', '07/17/2025', '--esiid', '10443720000000006');
    expect(dataLines(first.out).map((l) => l.split(',')[1])).to.deep.equal(['07/14/2025', '07/15/2025']);
    expect(dataLines(second.out).map((l) => l.split(',')[1])).to.deep.equal(['07/16/2025', '07/17/2025']);
  });

  it('lists ESI IDs the requester may not see as not authorized and never prints their data', async () => {
    const r = await report('--type', 'interval', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025',
      '--esiid', '10443720000000001', '--esiid', '10443720000000007', '--esiid', '55555555555555555');
    expect(r.status).to.equal(0);
    expect(r.err).to.contain('not authorized for DUNS 200000001 (2): 10443720000000007 55555555555555555');
    const esiids = new Set(dataLines(r.out).map((l) => l.split(',')[0]));
    expect([...esiids]).to.deep.equal(["'10443720000000001"]);
  });

  it('lets a TDSP see its own territory only', async () => {
    const own = await report('--type', 'daily', '--duns', '100000001', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000007');
    expect(dataLines(own.out)).to.have.length(1);
    const other = await report('--type', 'daily', '--duns', '100000002', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000007');
    expect(other.err).to.contain('not authorized');
    expect(dataLines(other.out)).to.deep.equal([]);
  });

  it('prints 100 rows for the fall-back day and every revision with version A', async () => {
    const fall = await report('--type', 'interval', '--duns', '200000001', '--from', '11/02/2025', '--to', '11/02/2025', '--esiid', '10443720000000001');
    expect(dataLines(fall.out)).to.have.length(100);
    const all = await report('--type', 'interval', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000002', '--version', 'A');
    const revisions = new Set(dataLines(all.out).map((l) => l.split(',')[2]));
    expect([...revisions]).to.deep.equal(['07/02/2025 06:00:00', '07/03/2025 06:00:00']);
    expect(dataLines(all.out)).to.have.length(2 * 96);
  });

  it('writes --out files and counts duplicate ESI IDs once', async () => {
    const out = path.join(cli.dataDir, 'out.csv');
    const r = await report('--type', 'daily', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000001', '--esiid', '10443720000000001', '--out', out);
    expect(r.err).to.contain('1 record(s) written');
    expect(fs.readFileSync(out, 'utf8').split('\r\n').filter(Boolean)).to.have.length(2);
  });

  for (const [args, message] of [
    [['--from', '07/02/2025', '--to', '07/01/2025'], 'is before startDate'],
    [['--from', '07/01/2025', '--to', '07/01/2099'], 'is in the future'],
    [['--from', '07/01/2019', '--to', '07/01/2020'], 'older than the 48 months'],
    [['--from', '02/30/2025', '--to', '07/01/2025'], 'is not a real date'],
  ] as const) {
    it(`refuses ${args.join(' ')} saying what to change`, async () => {
      const r = await report('--type', 'daily', '--duns', '200000001', '--esiid', '10443720000000001', ...args);
      expect(r.status).to.equal(2);
      expect(r.err).to.contain(message);
    });
  }

  it('refuses unknown DUNS, malformed ESI IDs and more than 50,000 ESI IDs', async () => {
    const base = ['--type', 'daily', '--from', '07/01/2025', '--to', '07/01/2025'];
    expect((await report(...base, '--duns', '999999999', '--esiid', '10443720000000001')).err).to.contain('DUNS 999999999 is not registered');
    expect((await report(...base, '--duns', '200000001', '--esiid', 'bad id!')).err).to.contain('malformed ESI ID');
    const list = path.join(cli.dataDir, 'many.txt');
    fs.writeFileSync(list, Array.from({ length: 50_001 }, (_, i) => `9${String(i).padStart(16, '0')}`).join('\n'));
    expect((await report(...base, '--duns', '200000001', '--esiids-file', list)).err).to.contain('at most 50000 per request');
  });
});
