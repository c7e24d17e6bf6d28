import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { addDays } from '../../src/core/cpt';
import { CliHarness } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';

const TDSP = '100000001';
const A = '10443720000000001'; // REP 200000001 all along
const B = '10443720000000002'; // REP 200000002 from 2026-11-05 (a move-in)
const C = '10443720000000003'; // no REP of record: never missing
const D = '1008901000000000000001'; // another TDSP's
const REPORT_DAY = '2026-11-10'; // covers 2026-10-03 .. 2026-11-09
const FALL_BACK = '2026-11-01';

function record(esiid: string, day: string, intervals: number, sender = TDSP): string {
  return formatLseRecord({ esiid, channel: 4, day, version: day.replace(/-/g, '') + '230000', sender, rep: null, values: Array(intervals).fill(0.4) });
}

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`Missing Consumption Report and a REP's data gaps (${engine})`, function () {
    this.timeout(60_000);
    let cli: CliHarness;
    let firstFile: string;

    let cleanUp: (() => Promise<void>) | undefined;

    before(async function () {
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-missing-'));
      const imported = await cli.run('registry', 'import',
        cli.writeFile('participants.csv', 'kind,name,duns\nTDSP,Demo TDSP,100000001\nTDSP,Other TDSP,100000002\nREP,Demo REP,200000001\nREP,Second REP,200000002\n'),
        cli.writeFile('esiids.csv', `esiid,tdsp_duns,meter_number,meter_hardware_version,meter_firmware_version,read_cycle\n${A},${TDSP},M1,,,\n${B},${TDSP},M2,,,\n${C},${TDSP},M3,,,\n${D},100000002,M4,,,\n`),
        cli.writeFile('rep-of-record.csv', `esiid,rep_duns,effective_from,effective_to\n${A},200000001,2026-01-01,\n${B},200000002,2026-11-05,\n${D},200000002,2026-01-01,\n`));
      expect(imported.status, imported.err).to.equal(0);
      // A: every day from 2026-10-03 but 10-05 (never sent) and the fall-back day (sent with 96 intervals: refused 03);
      // 10-10 first sent short (03), then again whole.
      let first = '', second = record(A, '2026-10-10', 96);
      for (let day = '2026-10-03'; day <= '2026-11-09'; day = addDays(day, 1)) {
        if (day === '2026-10-05') continue;
        first += record(A, day, day === FALL_BACK || day === '2026-10-10' ? 95 + (day === FALL_BACK ? 1 : 0) : 96);
      }
      firstFile = `${TDSP}IntervalData20261110060000001.lse`;
      const loaded = await cli.ingestJson(cli.writeFile(firstFile, first), cli.writeFile(`${TDSP}IntervalData20261110070000001.lse`, second));
      expect(loaded.results.map((r) => r.records.byCode)).to.deep.equal([{ '00': 35, '03': 2 }, { '00': 1 }]);
    });
    after(async () => {
      await cleanUp?.();
    });

    it('lists, for each of the 38 days before the report day, the TDSP\'s ESI IDs with a REP of record and no usage', async () => {
      const r = await cli.run('missing-consumption', '--tdsp', 'Demo TDSP', '--day', REPORT_DAY);
      expect(r.status, r.err).to.equal(0);
      expect(r.out.trim().split('\r\n')).to.deep.equal([
        'TDSP_DUNS,ESIID,OPERATING_DAY,REP_DUNS',
        `${TDSP},'${A},2026-10-05,200000001`,
        `${TDSP},'${A},2026-11-01,200000001`,
        ...['2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09'].map((d) => `${TDSP},'${B},${d},200000002`),
      ]);
      expect(r.err).to.equal(`${TDSP}: 7 ESI ID-days without usage, 2026-10-03 to 2026-11-09\n`);
    });

    it('writes it to the TDSP\'s reports/ folder, owner-only; another report day moves the 38-day window', async () => {
      const r = await cli.run('missing-consumption', '--tdsp', TDSP, '--day', '11/10/2026', '--write');
      const file = path.join(cli.dataDir, 'ftps', TDSP, 'reports', 'MissingConsumption.100000001.20261110.csv');
      expect(r.err).to.contain(`written to ${file}`);
      expect(fs.readFileSync(file, 'utf8').trim().split('\n')).to.have.length(8);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      // The report day moves the window: on 2026-10-06 it covers 2026-08-29 .. 2026-10-05, and A was loaded on 10-03 and 10-04 only:
      // 35 days from 08-29 to 10-02, and 10-05.
      const earlier = await cli.run('missing-consumption', '--tdsp', TDSP, '--day', '2026-10-06');
      const days = earlier.out.trim().split('\r\n').slice(1).map((l) => l.split(',')[2]);
      expect(days).to.have.length(36);
      expect([days[0], days[34], days[35]]).to.deep.equal(['2026-08-29', '2026-10-02', '2026-10-05']);
    });

    it('gives a REP its gaps with the reason: never received, or rejected with the code and file', async () => {
      const r = await cli.run('data-gaps', '--rep', 'Demo REP', '--from', '2026-10-01', '--to', '2026-11-09', '--json');
      expect(r.status, r.err).to.equal(0);
      const gaps = r.out.trim().split('\n').map((l) => JSON.parse(l));
      expect(gaps.map((g) => [g.esiid, g.operatingDay, g.repDuns, g.why, g.code, g.fileName])).to.deep.equal([
        [A, '2026-10-01', '200000001', 'never received', null, null],
        [A, '2026-10-02', '200000001', 'never received', null, null],
        [A, '2026-10-05', '200000001', 'never received', null, null],
        [A, FALL_BACK, '200000001', 'rejected', '03', firstFile],
      ]);
      const detail = gaps[3].detail as string;
      expect(detail).to.match(/^the record does not cover a full day \(DST inclusive\), 00:00:00 to 23:59:00: record at line \d+ has 96 intervals; 2026-11-01 has 100$/);
      expect(r.err).to.equal('4 missing ESI ID-days for Demo REP, 2026-10-01 to 2026-11-09: 1 rejected, 3 never received\n');
      // Second REP: B from its move-in on 11-05, and the other TDSP's D on every day.
      const second = await cli.run('data-gaps', '--rep', '200000002', '--from', '2026-11-04', '--to', '2026-11-06');
      expect(second.out.trim().split('\r\n')).to.deep.equal([
        'ESIID,OPERATING_DAY,REP_DUNS,WHY,CODE,FILE,DETAIL',
        ...['2026-11-04', '2026-11-05', '2026-11-06'].map((d) => `'${D},${d},200000002,never received,,,no record for this ESI ID and day has reached the platform`),
        ...['2026-11-05', '2026-11-06'].map((d) => `'${B},${d},200000002,never received,,,no record for this ESI ID and day has reached the platform`),
      ].sort((a, b) => (a.startsWith('ESIID') ? -1 : b.startsWith('ESIID') ? 1 : a.localeCompare(b))));
    });

    it('refuses a TDSP given as the REP, a reversed range and one of more than 366 days', async () => {
      expect((await cli.run('data-gaps', '--rep', 'Demo TDSP', '--from', '2026-10-01', '--to', '2026-10-02')).err).to.contain(`--rep "Demo TDSP" is not a registered REP's name or DUNS`);
      expect((await cli.run('data-gaps', '--rep', 'Demo REP', '--from', '2026-10-02', '--to', '2026-10-01')).err).to.contain('--to 2026-10-01 is before --from 2026-10-02');
      const long = await cli.run('data-gaps', '--rep', 'Demo REP', '--from', '2025-01-01', '--to', '2026-01-02');
      expect(long.status).to.equal(2);
      expect(long.err).to.contain('a data-gap report covers at most 366 days; 2025-01-01 to 2026-01-02 is 367');
      expect((await cli.run('missing-consumption', '--tdsp', 'Demo REP')).err).to.contain(`--tdsp "Demo REP" is not a registered TDSP's name or DUNS`);
    });
  });
}
