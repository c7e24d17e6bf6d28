import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { InboundFolderWorker } from '../../src/ingest/inbound-folder.worker';
import { LeasedInboundClaims } from '../../src/ops/inbound-claims';
import { JobLeaseStore } from '../../src/ops/job-lease.store';
import { withLease } from '../../src/ops/leased-work';
import { PgSessionLocks } from '../../src/ops/session-locks';
import { addressSubject, LoginThrottle } from '../../src/security/login-throttle';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { createTestDatabase } from '../support/postgres-database';
import { generateLseSet } from '../../scripts/lib/lse-generator';

/**
 * Two platforms on one database and one data folder, each with its own connections, as two
 * `smt serve` instances have: leases and inbound-file claims hand each piece of work to one of them.
 */
for (const dbType of ['sqlite', 'postgres'] as const) {
  describe(`work shared by instances on one database (${dbType})`, function () {
    this.timeout(180_000);
    let cli: CliHarness;
    let database: Awaited<ReturnType<typeof createTestDatabase>> = null;
    let apps: App[] = [];

    before(async function () {
      const env: Record<string, string> = {};
      if (dbType === 'postgres') {
        database = await createTestDatabase('smt_scale');
        if (!database) this.skip();
        Object.assign(env, { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
      }
      cli = new CliHarness('smt-scale-', env);
      await importRegistryFixtures(cli);
      apps = [0, 1].map(() => createApp(loadConfig({ ...env, SMT_DATA_DIR: cli.dataDir })));
    });
    /** As `smt serve` makes them: on PostgreSQL, held with advisory locks. */
    const leaseStore = async (app: App, holder: string) => {
      const db = await app.db();
      return new JobLeaseStore(db, holder, dbType === 'postgres' ? new PgSessionLocks(db) : null);
    };
    after(async () => {
      for (const app of apps) await app.close();
      await database?.drop();
      cli?.remove();
    });

    it('gives a lease to exactly one of many instances asking at once, and a lapsed one to the next', async () => {
      const stores = await Promise.all([0, 1, 0, 1, 0, 1].map(async (i, n) => new JobLeaseStore(await apps[i]!.db(), `instance-${n}`)));
      const got = await Promise.all(stores.map((s) => s.acquire('race', 60_000)));
      expect(got.filter((g) => g !== null), 'one holder').to.have.length(1);
      const holder = stores[got.findIndex((g) => g !== null)]!;
      const other = stores.find((s) => s !== holder)!;
      expect(await other.acquire('race', 60_000), 'held elsewhere').to.equal(null);
      expect(await other.renew('race', 60_000), 'a non-holder cannot renew').to.equal(false);
      // The holder dies: it stops renewing, and once the lease has lapsed another instance takes it.
      const later = new Date(Date.now() + 61_000);
      expect(await other.acquire('race', 60_000, later)).to.not.equal(null);
      expect(await holder.renew('race', 60_000), 'the old holder lost it').to.equal(false);
    });

    it('on PostgreSQL, holds a lease with a session lock: never lost while its holder lives, free as soon as its connection closes', async function () {
      if (dbType !== 'postgres') this.skip();
      const owner = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url }));
      const ownerDb = await owner.db();
      const holder = new JobLeaseStore(ownerDb, 'slow-instance', new PgSessionLocks(ownerDb));
      const otherDb = await apps[1]!.db();
      const other = new JobLeaseStore(otherDb, 'other-instance', new PgSessionLocks(otherDb));
      expect(await holder.acquire('locked', 1000)).to.not.equal(null);
      // Its lease time is long past (a pause, a stalled renewal), yet the holder lives: nobody else takes it.
      expect(await other.acquire('locked', 1000, new Date(Date.now() + 3_600_000))).to.equal(null);
      expect(await holder.renew('locked', 1000), 'still the holder').to.equal(true);
      // The holder's connection closes (as when its process is killed with SIGKILL): the lease is free at once, whatever its expiry says.
      const ended = await otherDb.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND classid = 1764720 AND objid::int = hashtext('locked') AND pid <> pg_backend_pid()`);
      expect(ended).to.have.length(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const taken = await other.acquire('locked', 1000);
      expect(taken).to.not.equal(null);
      await other.release('locked');
      expect(await other.acquire('locked', 1000), 'released, and taken again').to.not.equal(null);
      await other.drop('locked');
      await owner.close().catch(() => undefined);
    });

    it('migrates a fresh database once when several instances start on it at the same moment', async function () {
      if (dbType !== 'postgres') this.skip();
      const fresh = await createTestDatabase('smt_scale_migrate');
      const starting = [0, 1, 2].map(() => createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, SMT_DB_TYPE: 'postgres', SMT_DB_URL: fresh!.url })));
      try {
        const dbs = await Promise.all(starting.map((app) => app.db()));
        const rows: { name: string }[] = await dbs[0]!.query('SELECT name FROM migrations');
        expect(rows.length).to.equal(new Set(rows.map((r) => r.name)).size);
        expect(rows.map((r) => r.name)).to.include('JobLeases1764720004000');
      } finally {
        for (const app of starting) await app.close();
        await fresh!.drop().catch(() => undefined);
      }
    });

    it('counts failed logins across instances: failures spread over two lock the address on both', async () => {
      const [first, second] = await Promise.all(apps.map(async (app) => new LoginThrottle(await app.db(), app.logger, { maxFailures: 4 })));
      const subject = addressSubject('198.51.100.7');
      for (const throttle of [first!, second!, first!]) await throttle.recordFailure([subject]);
      expect(await second!.lockedUntil([subject]), 'three failures: not yet').to.equal(null);
      const last = await second!.recordFailure([subject]);
      expect(last.lockedUntil, 'the fourth, on the other instance, locks').to.be.instanceOf(Date);
      expect(await first!.lockedUntil([subject]), 'and the first instance sees the lock').to.be.instanceOf(Date);
      await first!.close();
      await second!.close();
    });

    it('runs a daily job once per period across instances, even when both try at the same time', async () => {
      const stores = await Promise.all(apps.map((app, i) => leaseStore(app, `daily-${i}`)));
      let runs = 0;
      const job = async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 200));
        return runs;
      };
      const first = await Promise.all(stores.map((s) => withLease(s, apps[0]!.logger, 'scheduler:retention', 10_000, job, '2026-12-04')));
      expect(runs).to.equal(1);
      expect(first.filter((o) => o.ran)).to.have.length(1);
      expect(first.filter((o) => !o.ran).map((o) => (o as { reason: string }).reason)).to.deep.equal(['held-elsewhere']);
      const again = await Promise.all(stores.map((s) => withLease(s, apps[0]!.logger, 'scheduler:retention', 10_000, job, '2026-12-04')));
      expect(again.map((o) => (o.ran ? 'ran' : o.reason)).sort()).to.include('already-done').and.not.include('ran');
      const next = await withLease(stores[1]!, apps[0]!.logger, 'scheduler:retention', 10_000, job, '2026-12-05');
      expect(next.ran, 'the next day runs again').to.equal(true);
      expect(runs).to.equal(2);
    });

    it('loads every uploaded file once when two instances scan the same inbound folder at once', async () => {
      const inbound = path.join(apps[0]!.ftpsRoot, '100000001', 'inbound');
      fs.mkdirSync(inbound, { recursive: true });
      const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-scale-lse-'));
      const set = await generateLseSet({ out: staging, records: 6000, esiids: 500, perFile: 1000, sender: '100000001', rep: '200000001', badPercent: 0, seed: 5, startDay: '2025-06-01' });
      for (const file of set.files) fs.renameSync(file, path.join(inbound, path.basename(file)));
      fs.rmSync(staging, { recursive: true, force: true });
      const loaded: string[][] = [[], []];
      const workers = await Promise.all(apps.map(async (app, i) => {
        const key = await app.platformKey();
        fs.mkdirSync(app.tempDir, { recursive: true });
        return new InboundFolderWorker(await app.ingestService(), app.logger, {
          ftpsRoot: app.ftpsRoot, tempDir: app.tempDir, maxFileBytes: 64 * 1024 * 1024, pollMs: 1000, platformKey: async () => key.privateKey,
          ownerOf: async (duns) => (await app.registry()).findParticipantByDuns(duns),
          claims: new LeasedInboundClaims(await app.db(), await leaseStore(app, `scanner-${i}`), app.logger, 30_000),
          onLoaded: (s) => loaded[i]!.push(s.file),
        });
      }));
      await Promise.all(workers.map((w) => w.scan()));
      const all = [...loaded[0]!, ...loaded[1]!];
      expect(all.sort(), 'each file loaded once').to.deep.equal(set.files.map((f) => path.basename(f)).sort());
      expect(loaded.every((l) => l.length > 0), `both instances took work (${loaded.map((l) => l.length).join(' + ')})`).to.equal(true);
      expect(fs.readdirSync(inbound)).to.deep.equal([]);
      expect(fs.readdirSync(path.join(apps[0]!.ftpsRoot, '100000001', 'processed'))).to.have.length(set.files.length);
      const rows: { n: string | number }[] = await (await apps[0]!.db()).query('SELECT count(*) AS n FROM ingest_file');
      expect(Number(rows[0]!.n), 'one load per file').to.equal(set.files.length);
    });

    it('takes over a file whose instance died: only moves it when its load had committed, loads it when it had not', async () => {
      const tdsp = path.join(apps[0]!.ftpsRoot, '100000001');
      const committed = '100000001IntervalData20250702060000001.lse';
      fs.copyFileSync(lseFixture(committed), path.join(tdsp, 'inbound', committed));
      const db = await apps[0]!.db();
      const dead = new JobLeaseStore(db, 'dead-instance');
      const claimedAt = new Date(Date.now() - 120_000);
      // The dead instance claimed the file and its load committed, but it died before moving the file.
      expect(await dead.acquire(`inbound:100000001/${committed}`, 30_000, claimedAt)).to.not.equal(null);
      await db.query(`INSERT INTO ingest_file (file_name, sender_duns, status, total_records, counts_by_code, started_at) VALUES ('${committed}', '100000001', 'loaded', 12, '{"00":12}', '${new Date(claimedAt.getTime() + 1000).toISOString()}')`);
      // Another file it claimed had not committed: its load rolled back with the dead connection.
      const rolledBack = '100000001IntervalData20250702060000002.lse';
      fs.copyFileSync(lseFixture(committed), path.join(tdsp, 'inbound', rolledBack));
      expect(await dead.acquire(`inbound:100000001/${rolledBack}`, 30_000, claimedAt)).to.not.equal(null);
      const loaded: string[] = [];
      const key = await apps[1]!.platformKey();
      const worker = new InboundFolderWorker(await apps[1]!.ingestService(), apps[1]!.logger, {
        ftpsRoot: apps[1]!.ftpsRoot, tempDir: apps[1]!.tempDir, maxFileBytes: 1024 * 1024, pollMs: 1000, platformKey: async () => key.privateKey,
        ownerOf: async (duns) => (await apps[1]!.registry()).findParticipantByDuns(duns),
        claims: new LeasedInboundClaims(await apps[1]!.db(), await leaseStore(apps[1]!, 'survivor'), apps[1]!.logger, 30_000),
        onLoaded: (s) => loaded.push(s.file),
      });
      await worker.scan();
      expect(loaded, 'only the file whose load had not committed is loaded again').to.deep.equal([rolledBack]);
      expect(fs.readdirSync(path.join(tdsp, 'inbound'))).to.deep.equal([]);
      expect(fs.readdirSync(path.join(tdsp, 'processed'))).to.include(committed).and.include(rolledBack);
      expect(await new JobLeaseStore(db, 'x').peek(`inbound:100000001/${committed}`), 'claims end with the file').to.equal(null);
    });
  });
}
