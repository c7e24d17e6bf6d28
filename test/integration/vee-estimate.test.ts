import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { CliHarness } from '../support/cli-harness';

const TDSP = '100000001';
const A = '10443720000000001';
const B = '10443720000000002'; // a REP of record, never any data: nothing to estimate from
const REPORT_DAY = '2026-11-25'; // its Missing Consumption Report covers 2026-10-18 .. 2026-11-24

describe('smt estimate: platform estimates for missing days, apart from TDSP data', function () {
  this.timeout(60_000);
  let cli: CliHarness;
  const record = (day: string, kwh: number, estimated = 0) => formatLseRecord({
    esiid: A, channel: 4, day, version: day.replace(/-/g, '') + '230000', sender: TDSP, rep: null,
    values: Array(96).fill(kwh), statuses: Array.from({ length: 96 }, (_, i) => (i < estimated ? 'E' : 'A')),
  });

  before(async () => {
    cli = new CliHarness('smt-estimate-');
    const r = await cli.run('registry', 'import',
      cli.writeFile('participants.csv', 'kind,name,duns\nTDSP,Demo TDSP,100000001\nREP,Demo REP,200000001\n'),
      cli.writeFile('esiids.csv', `esiid,tdsp_duns,meter_number,meter_hardware_version,meter_firmware_version,read_cycle\n${A},${TDSP},M1,,,\n${B},${TDSP},M2,,,\n`),
      cli.writeFile('rep-of-record.csv', `esiid,rep_duns,effective_from,effective_to\n${A},200000001,2025-01-01,\n${B},200000001,2025-01-01,\n`));
    expect(r.status, r.err).to.equal(0);
    // Sunday 10-25 actual 0.3; Tuesday 11-10 actual 0.4; Tuesday 11-17 with 10 estimated intervals (no proxy); Monday 11-23 actual 0.2.
    const file = cli.writeFile(`${TDSP}IntervalData20261124060000001.lse`, record('2026-10-25', 0.3) + record('2026-11-10', 0.4) + record('2026-11-17', 0.5, 10) + record('2026-11-23', 0.2));
    expect((await cli.ingestJson(file)).results[0].records.byCode).to.deep.equal({ '00': 4 });
  });
  after(() => cli.remove());

  it('borrows the same weekday first, then a like day, from whole all-actual days within 12 months, fitted to the day\'s interval count', async () => {
    const r = await cli.run('estimate', '--tdsp', 'Demo TDSP', '--day', REPORT_DAY, '--json');
    expect(r.status, r.err).to.equal(0);
    const all = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const of = (esiid: string, day: string) => all.find((o) => o.esiid === esiid && o.operatingDay === day);
    expect(of(A, '2026-11-24')).to.include({ method: 'SAME_DAY', sourceDay: '2026-11-10', totalWh: 38_400, existing: false });
    expect(of(A, '2026-11-18')).to.include({ method: 'LIKE_DAY', sourceDay: '2026-11-10', totalWh: 38_400 });
    expect(of(A, '2026-11-01')).to.include({ method: 'SAME_DAY', sourceDay: '2026-10-25', totalWh: 30_000 }); // fall back: 100 × 0.3
    expect(of(A, '2026-11-22')).to.include({ method: 'SAME_DAY', sourceDay: '2026-10-25', totalWh: 28_800 }); // an estimate is never a proxy
    expect(of(A, '2026-10-20')).to.include({ method: null, sourceDay: null, totalWh: null });
    expect(all.filter((o) => o.esiid === B).every((o) => o.method === null)).to.equal(true);
    expect(all.filter((o) => o.esiid === A)).to.have.length(38 - 4);
    expect(r.err).to.equal(`${TDSP}: 72 missing ESI ID-days; ${all.filter((o) => o.method !== null).length} estimated now, 0 earlier, ${all.filter((o) => o.method === null).length} without 12 months of own actual history or a load profile class\n`);

    const db = new Database(path.join(cli.dataDir, 'smt.sqlite'), { readonly: true });
    try {
      const fall = db.prepare(`SELECT interval_count AS n, interval_wh AS wh FROM platform_estimate WHERE esiid = ? AND operating_day = '2026-11-01'`).get(A) as { n: number; wh: string };
      expect(fall.n).to.equal(100);
      expect(new Set(fall.wh.split(','))).to.deep.equal(new Set(['300']));
      // Kept apart: nothing was added to the TDSP data.
      expect((db.prepare('SELECT count(*) AS n FROM interval_day').get() as { n: number }).n).to.equal(4);
    } finally {
      db.close();
    }
  });

  it('is never served as TDSP data: usage and the Missing Consumption Report still show the day missing; a second run keeps the first estimates', async () => {
    expect((await cli.run('usage', A, '--from', '2026-11-24', '--to', '2026-11-24')).out.trim().split('\n')).to.have.length(1);
    expect((await cli.run('missing-consumption', '--tdsp', TDSP, '--day', REPORT_DAY)).out).to.contain(`'${A},2026-11-24,200000001`);
    const again = await cli.run('estimate', '--tdsp', TDSP, '--day', REPORT_DAY);
    expect(again.out.split('\r\n')).to.include(`'${A},2026-11-24,SAME_DAY,2026-11-10,38.4,earlier,`);
    expect(again.err).to.match(/; 0 estimated now, \d+ earlier, /);
  });
});
