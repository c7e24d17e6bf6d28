import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { JobLeaseStore } from '../../src/ops/job-lease.store';
import { SeenSignatureStore } from '../../src/security/seen-signature.store';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';

/**
 * SQL Server through TypeORM's mssql driver. No SQL Server runs on the machines this platform is
 * built on, so this suite runs only where SMT_TEST_MSSQL_URL names one
 * (mssql://user:password@host:1433/database, a database the tests may create tables in; use an empty
 * one: the tables stay) and is skipped, saying so, everywhere else.
 */
const url = process.env.SMT_TEST_MSSQL_URL?.trim() || null;
const SKIPPED = 'SQL Server is not verified here: set SMT_TEST_MSSQL_URL=mssql://user:password@host:1433/database to run test/integration/mssql.test.ts';

describe('SQL Server (SMT_TEST_MSSQL_URL)', function () {
  this.timeout(180_000);
  const env = { SMT_DB_TYPE: 'mssql', SMT_DB_URL: url ?? '' };
  let cli: CliHarness;
  const apps: App[] = [];

  before(function () {
    if (!url) {
      process.stderr.write(`      ${SKIPPED}\n`);
      this.skip();
    }
    cli = new CliHarness('smt-mssql-', env);
  });
  after(async () => {
    for (const app of apps) await app.close();
    cli?.remove();
  });

  const app = (): App => {
    const made = createApp(loadConfig({ ...env, SMT_DATA_DIR: cli.dataDir }));
    apps.push(made);
    return made;
  };

  it('brings the schema up to date with every migration', async () => {
    const r = await cli.run('db', 'migrate');
    expect(r.status, r.err).to.equal(0);
  });

  it('imports the registry and loads an LSE file once: loading it again stores nothing new (code 08)', async () => {
    await importRegistryFixtures(cli);
    const file = lseFixture('100000001IntervalData20250702060000001.lse');
    const first = await cli.ingestJson(file);
    expect(first.status, first.err).to.equal(0);
    expect(first.results[0]!.records.byCode).to.deep.equal({ '00': 12 });
    const again = await cli.ingestJson(file);
    expect(again.results[0]!.records.byCode).to.deep.equal({ '08': 12 });
  });

  it('gives a lease to one of two instances asking at once', async () => {
    const stores = await Promise.all([app(), app()].map(async (a, i) => new JobLeaseStore(await a.db(), `mssql-${i}`)));
    const got = await Promise.all([...stores, ...stores].map((s) => s.acquire('mssql-race', 60_000)));
    const holders = new Set(got.map((g, i) => (g ? i % 2 : null)).filter((h) => h !== null));
    expect(holders.size, 'one holder').to.equal(1);
    const loser = stores[holders.has(0) ? 1 : 0]!;
    expect(await loser.acquire('mssql-race', 60_000, new Date(Date.now() + 61_000)), 'lapsed: taken over').to.not.equal(null);
  });

  it('refuses a signed message seen by another instance (the replay cache is shared)', async () => {
    const [a, b] = [app(), app()];
    const expires = new Date(Date.now() + 300_000);
    const digest = 'f'.repeat(64);
    const first = new SeenSignatureStore(await a.db(), a.logger, { maxEntries: 1000 });
    const second = new SeenSignatureStore(await b.db(), b.logger, { maxEntries: 1000 });
    expect(await first.seen(digest, expires, new Date())).to.equal(false);
    expect(await second.seen(digest, expires, new Date())).to.equal(true);
    await first.close();
    await second.close();
  });
});
