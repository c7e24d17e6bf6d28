import { expect } from 'chai';
import { cptToday } from '../../src/core/cpt';
import type { CliHarness } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';
import { ingestLoadStatsDay, STATS_TDSP as TDSP } from '../support/load-stats-fixture';

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`smt stats: load statistics per TDSP per day and per file, with estimated share and E→A replacements (${engine})`, function () {
    this.timeout(60_000);
    let cli: CliHarness;
    let today: string;

    let cleanUp: (() => Promise<void>) | undefined;

    before(async function () {
      today = cptToday();
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-stats-'));
      await ingestLoadStatsDay(cli, today);
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
