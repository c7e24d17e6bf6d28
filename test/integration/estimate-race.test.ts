import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { PlatformEstimate } from '../../src/db/entities/platform-estimate.entity';
import { EstimationService } from '../../src/estimation/estimation.service';
import { engineHarness } from '../support/engine-harness';
import type { CliHarness } from '../support/cli-harness';

const TDSP = '100000001';
const REP = '200000001';
const P = '10443720000000031'; // RESLOWR, never any TDSP data: every day of the window is missing
const Q = '10443720000000032';

/**
 * estimateMissing with another writer in its window: right after it has read which estimates are
 * stored (while it looks for proxy days), an estimate of P on the first missing day lands, as a report's
 * estimateDay would store it.
 */
class RacedEstimation extends EstimationService {
  raced: string | null = null;

  protected override async proxiesFor(day: string, esiids: string[]): ReturnType<EstimationService['proxiesFor']> {
    if (this.raced === null && esiids.includes(P)) {
      this.raced = day;
      await this.source.getRepository(PlatformEstimate).insert({ esiid: P, operatingDay: day, tdspDuns: TDSP, method: 'SAME_DAY', sourceDay: '2026-01-06',
        loadProfileClass: null, intervalCount: 96, intervalWh: Array(96).fill(111).join(','), totalWh: 96 * 111, createdAt: '2026-10-10T06:00:00.000Z' });
    }
    return super.proxiesFor(day, esiids);
  }

  constructor(private readonly source: DataSource) {
    super(source);
  }
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`smt estimate keeps an estimate stored while it ran (${engine})`, function () {
    this.timeout(120_000);
    let cli: CliHarness;
    let cleanUp: (() => Promise<void>) | undefined;
    let db: DataSource | undefined;

    before(async function () {
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-estimate-race-'));
      const imported = await cli.run('registry', 'import',
        cli.writeFile('participants.csv', `kind,name,duns\nTDSP,Demo TDSP,${TDSP}\nREP,Demo REP,${REP}\n`),
        cli.writeFile('esiids.csv', `esiid,tdsp_duns,meter_number,load_profile_class\n${P},${TDSP},M1,RESLOWR\n${Q},${TDSP},M2,RESLOWR\n`),
        cli.writeFile('rep-of-record.csv', `esiid,rep_duns,effective_from,effective_to\n${P},${REP},2026-01-01,\n${Q},${REP},2026-01-01,\n`));
      expect(imported.status, imported.err).to.equal(0);
      db = await openDatabase(loadConfig({ ...process.env, ...cli.env, SMT_DATA_DIR: cli.dataDir }));
    });
    after(async () => {
      if (db?.isInitialized) await db.destroy();
      await cleanUp?.();
    });

    it('reports the estimate that landed first as existing, keeps it, and makes every other one', async () => {
      const service = new RacedEstimation(db!);
      const outcomes = await service.estimateMissing(TDSP, '2026-10-10');
      const day = service.raced!;
      expect(day).to.be.a('string');
      expect(outcomes).to.have.length(2 * 38);
      const raced = outcomes.filter((o) => o.esiid === P && o.operatingDay === day);
      expect(raced).to.deep.equal([{ esiid: P, operatingDay: day, method: 'SAME_DAY', sourceDay: '2026-01-06', loadProfileClass: null, totalWh: 96 * 111, existing: true }]);
      const others = outcomes.filter((o) => o !== raced[0]);
      expect(others.every((o) => o.method === 'DEFAULT_PROFILE' && o.existing === false)).to.equal(true);
      const stored = await db!.getRepository(PlatformEstimate).findBy({ esiid: P, operatingDay: day });
      expect(stored.map((e) => [e.method, e.totalWh])).to.deep.equal([['SAME_DAY', 96 * 111]]);
      expect(await db!.getRepository(PlatformEstimate).count()).to.equal(2 * 38);
    });

    it('a second run finds every estimate made earlier', async () => {
      const again = await new EstimationService(db!).estimateMissing(TDSP, '2026-10-10');
      expect(again).to.have.length(2 * 38);
      expect(again.every((o) => o.existing)).to.equal(true);
    });
  });
}
