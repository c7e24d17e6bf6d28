import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { formatLseRecord, type LseRecordSpec } from '../../scripts/lib/lse-writer';
import { addDays, cptToday } from '../../src/core/cpt';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';

const TDSP = '100000001';
const E = (n: string) => `104437200000000${n}`;

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`smt stats: load statistics per TDSP per day and per file, with estimated share and E→A replacements (${engine})`, function () {
    this.timeout(60_000);
    let cli: CliHarness;
    const today = cptToday();
    const yesterday = addDays(today, -1);
    const record = (esiid: string, day: string, version: string, more: Partial<LseRecordSpec> = {}) =>
      formatLseRecord({ esiid, channel: 4, day, version, sender: TDSP, rep: '200000001', values: Array(96).fill(0.25), ...more });
    const file = (name: string, text: string) => {
      const target = path.join(cli.dataDir, name);
      fs.writeFileSync(target, text);
      return target;
    };
    const v = (suffix: string) => yesterday.replace(/-/g, '') + suffix;

    let cleanUp: (() => Promise<void>) | undefined;

    before(async function () {
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-stats-'));
      await importRegistryFixtures(cli);
      const estimated = Array.from({ length: 96 }, (_, i) => (i < 24 ? 'E' : 'A'));
      // 1: yesterday's data, on time: 0002 has 24 estimated intervals, 0003 is one interval short (03).
      const first = record(E('01'), yesterday, v('230000')) + record(E('02'), yesterday, v('230000'), { statuses: estimated })
        + record(E('03'), yesterday, v('230000'), { values: Array(95).fill(0.25) });
      // 2: a supplemental file: 0002's actuals replace its 24 estimates; and a day ten days back (late).
      const second = record(E('02'), yesterday, v('235900')) + record(E('01'), addDays(today, -10), v('230000'));
      const results = [];
      for (const [name, text] of [[`${TDSP}IntervalData${v('230000')}001.lse`, first], [`${TDSP}IntervalData${v('235900')}001.lse`, second]]) {
        results.push(...(await cli.ingestJson('--for', 'Demo TDSP', file(name, text))).results);
      }
      results.push(...(await cli.ingestJson('--for', 'Demo TDSP', lseFixture('broken/100000001IntervalData20250708070000001.lse'))).results);
      results.push(...(await cli.ingestJson('--for', 'Other TDSP', file(`100000002IntervalData${v('230000')}001.lse`,
        record('1008901000000000000001', yesterday, v('230000'), { sender: '100000002', rep: '2000000011234' })))).results);
      expect(results.map((r) => [r.status, r.fileCode, r.records.byCode])).to.deep.equal([
        ['loaded', null, { '00': 2, '03': 1 }], ['loaded', null, { '00': 2 }], ['rejected', 'F2', {}], ['loaded', null, { '00': 1 }],
      ]);
    });
    after(async () => {
      await cleanUp?.();
    });

    it('sums a TDSP\'s day: files, rejected files, records, rejects by code, estimated share, estimates replaced by actuals, late files', async () => {
      const r = await cli.run('stats', '--tdsp', 'Demo TDSP', '--json');
      expect(r.status, r.err).to.equal(0);
      const days = r.out.trim().split('\n').map((l) => JSON.parse(l));
      expect(days).to.have.length(1);
      const { medianLoadSeconds, ...day } = days[0];
      // 3 files (one refused whole, F2, empty); 3 + 2 records, 4 loaded; 384 intervals stored, 24 estimated; 24 E became A; the
      // supplemental file brought a day 10 days old: late.
      expect(day).to.deep.equal({ receivedDay: today, tdspDuns: TDSP, files: 3, filesRejected: 1, records: 5, loaded: 4, rejectedByCode: { '03': 1 },
        intervals: 384, estimatedIntervals: 24, estimatedToActual: 24, lateFiles: 1 });
      expect(medianLoadSeconds).to.be.a('number').and.at.least(0);
      const csv = (await cli.run('stats', '--tdsp', TDSP)).out.split('\r\n');
      expect(csv[0]).to.equal('RECEIVED_DAY,TDSP_DUNS,FILES,FILES_REJECTED,RECORDS,LOADED,REJECTS_BY_CODE,ESTIMATED_PCT,E_TO_A,LATE_FILES,MEDIAN_LOAD_S');
      expect(csv[1]).to.match(new RegExp(`^${today},${TDSP},3,1,5,4,03:1,6.3,24,1,\\d+\\.\\d{3}$`));
    });

    it('lists each file with when it was received and loaded, and which is late; other TDSPs are apart', async () => {
      const files = (await cli.run('stats', '--files', '--json')).out.trim().split('\n').map((l) => JSON.parse(l));
      expect(files.map((f) => [f.tdspDuns, f.status, f.records, f.loaded, f.late, f.intervals, f.estimatedIntervals, f.estimatedToActual])).to.deep.equal([
        [TDSP, 'loaded', 3, 2, false, 192, 24, 0],
        [TDSP, 'loaded', 2, 2, true, 192, 0, 24],
        [TDSP, 'rejected', 0, 0, false, null, null, null],
        ['100000002', 'loaded', 1, 1, false, 96, 0, 0],
      ]);
      for (const f of files) {
        expect(Date.parse(f.loadedAt)).to.be.at.least(Date.parse(f.receivedAt));
        expect(f.loadSeconds).to.equal((Date.parse(f.loadedAt) - Date.parse(f.receivedAt)) / 1000);
      }
      const days = (await cli.run('stats', '--json')).out.trim().split('\n').map((l) => JSON.parse(l));
      expect(days.map((d) => [d.tdspDuns, d.files])).to.deep.equal([[TDSP, 3], ['100000002', 1]]);
    });

    it('shows nothing for days without files, and refuses ranges over 93 days or reversed', async () => {
      const empty = await cli.run('stats', '--from', '2025-01-01', '--to', '2025-01-31');
      expect(empty.out.trim()).to.equal('RECEIVED_DAY,TDSP_DUNS,FILES,FILES_REJECTED,RECORDS,LOADED,REJECTS_BY_CODE,ESTIMATED_PCT,E_TO_A,LATE_FILES,MEDIAN_LOAD_S');
      expect(empty.err).to.equal('0 files received 2025-01-01 to 2025-01-31 (Central Prevailing Time)\n');
      const long = await cli.run('stats', '--from', '2025-01-01', '--to', '2025-04-04');
      expect(long.status).to.equal(2);
      expect(long.err).to.contain('load statistics cover at most 93 days at a time; 2025-01-01 to 2025-04-04 is 94');
      expect((await cli.run('stats', '--from', '2025-01-02', '--to', '2025-01-01')).err).to.contain('--to 2025-01-01 is before --from 2025-01-02');
    });
  });
}
