import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { engineHarness } from '../support/engine-harness';

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`migrations 1764720007600 and 1764720007610: the redundant esiid index goes, lease rows keep a backoff (${engine})`, function () {
    this.timeout(60_000);
    let app: App;
    let db: DataSource;
    let cleanUp: (() => Promise<void>) | undefined;

    before(async function () {
      const harness = await engineHarness(this, engine, 'smt-esiid-index-');
      cleanUp = harness.cleanUp;
      app = createApp(loadConfig({ SMT_DATA_DIR: harness.cli.dataDir, ...harness.cli.env }));
      db = await app.db();
    });
    after(async () => {
      await app?.close();
      await cleanUp?.();
    });

    const esiidIndexes = async (): Promise<string[]> => {
      const rows: { name: string }[] = engine === 'sqlite'
        ? await db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'esiid' AND sql IS NOT NULL")
        : await db.query("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'esiid' AND indexname NOT LIKE 'PK%'");
      return rows.map((r) => r.name).sort();
    };
    const leaseColumns = async (): Promise<string[]> => (await db.createQueryRunner().getTable('job_lease'))!.columns.map((c) => c.name).sort();

    it('a migrated database has only the (tdsp_duns, esiid) index on esiid, and the entities ask for no other (synchronize would not recreate it)', async () => {
      expect(await esiidIndexes()).to.deep.equal(['idx_esiid_tdsp_esiid']);
      const pending = (await db.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
      expect(pending.filter((q) => /\bidx_esiid_tdsp\b/.test(q))).to.deep.equal([]);
      expect(await leaseColumns()).to.include.members(['failures', 'retry_at']);
    });

    it('both migrations undo (the index back, the backoff columns gone) and apply again', async () => {
      await db.undoLastMigration({ transaction: 'each' }); // 1764720007700, the later VEE weekday buckets (vee-weekday-buckets.test.ts)
      await db.undoLastMigration({ transaction: 'each' });
      expect(await leaseColumns()).to.not.include.members(['failures']);
      expect(await leaseColumns()).to.not.include('retry_at');
      await db.undoLastMigration({ transaction: 'each' });
      expect(await esiidIndexes()).to.deep.equal(['idx_esiid_tdsp', 'idx_esiid_tdsp_esiid']);
      await db.runMigrations({ transaction: 'each' });
      expect(await esiidIndexes()).to.deep.equal(['idx_esiid_tdsp_esiid']);
      expect(await leaseColumns()).to.include.members(['failures', 'retry_at']);
    });
  });
}
