import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Client } from 'pg';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { sqliteFile } from '../../src/db/data-source';
import { localLoader } from '../../src/ingest/local-loader';
import { INGEST_LOCK_KEY } from '../../src/ingest/postgres-ingest.store';
import { SqliteIngestStore } from '../../src/ingest/sqlite-ingest.store';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { createTestDatabase } from '../support/postgres-database';

const SMT = path.join(__dirname, '../../bin/smt');

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An instance starting up marks as interrupted only the loads no live process holds. */
describe('Interrupted loads at start-up: only those of processes that are gone', function () {
  this.timeout(120_000);

  it('PostgreSQL: a second instance leaves a live instance\'s load alone and marks a killed one\'s and an unmarked one', async function () {
    const database = await createTestDatabase('smt_pg_interrupted');
    if (!database) this.skip();
    const cli = new CliHarness('smt-pg-interrupted-', { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
    const admin = new Client({ connectionString: database!.url });
    const children: ChildProcess[] = [];
    let second: ReturnType<typeof createApp> | null = null;
    try {
      await importRegistryFixtures(cli);
      await admin.connect();
      // The test holds the ingest lock: both loads below start (their ingest_file rows committed) and
      // then wait inside their transactions, mid-load, for as long as the test wants.
      await admin.query('SELECT pg_advisory_lock($1::bigint)', [INGEST_LOCK_KEY]);
      await admin.query("INSERT INTO ingest_file (file_name, status, started_at, counts_by_code, total_records) VALUES ('older-version.lse', 'loading', '2025-01-01T00:00:00Z', '{}', 0)");
      const start = (fixture: string) => {
        const child = spawn(process.execPath, [SMT, 'ingest', '--json', lseFixture(fixture)], { env: cli.childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        return { child, exited: new Promise<{ code: number | null; out: string }>((resolve) => child.on('exit', (code) => resolve({ code, out }))) };
      };
      const live = start('100000001IntervalData20250701120000001.lse');
      const killed = start('100000001IntervalData20250702060000001.lse');
      const rows = async () => (await admin.query("SELECT file_name, status, loader FROM ingest_file WHERE file_name LIKE '1000%' ORDER BY file_name")).rows as { file_name: string; status: string; loader: string | null }[];
      await until('both loads waiting for the ingest lock', async () => {
        const waiting = await admin.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        return waiting.rows[0].n === 2 && (await rows()).length === 2;
      });
      const [liveRow, killedRow] = await rows();
      expect(liveRow.status).to.equal('loading');
      expect(liveRow.loader).to.match(/^\d+$/);
      expect(killedRow.loader).to.match(/^\d+$/).and.not.equal(liveRow.loader);

      killed.child.kill('SIGKILL');
      await killed.exited;
      // The killed process's connections close with it, and its loader lock with them.
      await until('the killed instance\'s loader lock to be free', async () =>
        (await admin.query('SELECT pg_try_advisory_xact_lock($1::bigint) AS ok', [killedRow.loader])).rows[0].ok);

      // A second instance starts while the first is mid-load.
      second = createApp(loadConfig({ SMT_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'smt-pg-second-')), SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url }));
      await second.ingestService();
      const after = await rows();
      expect(after.map((r) => [r.file_name, r.status])).to.deep.equal([
        ['100000001IntervalData20250701120000001.lse', 'loading'],
        ['100000001IntervalData20250702060000001.lse', 'interrupted'],
      ]);
      expect((await admin.query("SELECT status FROM ingest_file WHERE file_name = 'older-version.lse'")).rows[0].status).to.equal('interrupted');

      // The live load goes on to commit, untouched.
      await admin.query('SELECT pg_advisory_unlock($1::bigint)', [INGEST_LOCK_KEY]);
      const done = await live.exited;
      expect(done.code).to.equal(0);
      expect(JSON.parse(done.out.trim()).status).to.equal('loaded');
      expect((await rows())[0].status).to.equal('loaded');
      const stored = await admin.query('SELECT count(*)::int AS n FROM interval_day WHERE file_id = (SELECT id FROM ingest_file WHERE file_name = $1)', [liveRow.file_name]);
      expect(stored.rows[0].n).to.be.above(0);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await second?.close();
      await admin.end().catch(() => undefined);
      cli.remove();
      await database?.drop();
    }
  });

  it('SQLite: a load of a live process is left alone; a gone process\'s, a reused pid\'s, another host\'s and an unmarked one are marked', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-lite-interrupted-'));
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const config = loadConfig({ SMT_DATA_DIR: dataDir });
      const app = createApp(config);
      await app.db();
      await app.close();
      const gone = spawnSync(process.execPath, ['-e', '']).pid!;
      const db = new Database(sqliteFile(config));
      const insert = db.prepare("INSERT INTO ingest_file (file_name, status, started_at, loader) VALUES (?, 'loading', '2025-01-01T00:00:00Z', ?)");
      insert.run('live.lse', localLoader(sleeper.pid!));
      insert.run('gone.lse', `${os.hostname()}:${gone}`);
      insert.run('reused-pid.lse', `${os.hostname()}:${sleeper.pid}:1`);
      insert.run('other-host.lse', `elsewhere.example:${sleeper.pid}`);
      insert.run('older-version.lse', null);
      const status = () => Object.fromEntries((db.prepare('SELECT file_name AS f, status AS s FROM ingest_file').all() as { f: string; s: string }[]).map((r) => [r.f, r.s]));

      const store = new SqliteIngestStore(sqliteFile(config));
      try {
        expect(await store.markInterrupted()).to.equal(4);
        expect(status()).to.deep.equal({
          'live.lse': 'loading', 'gone.lse': 'interrupted', 'reused-pid.lse': 'interrupted', 'other-host.lse': 'interrupted', 'older-version.lse': 'interrupted',
        });
        // Its own loads carry this process's mark, which is live.
        const own = await store.startFile('own.lse', '2025-01-01T00:00:00Z');
        expect((db.prepare('SELECT loader FROM ingest_file WHERE id = ?').get(own) as { loader: string }).loader).to.equal(localLoader());
        expect(await store.markInterrupted()).to.equal(0);

        sleeper.kill('SIGKILL');
        await new Promise((resolve) => sleeper.once('exit', resolve));
        expect(await store.markInterrupted()).to.equal(1);
        expect(status()['live.lse']).to.equal('interrupted');
        expect(status()['own.lse']).to.equal('loading');
      } finally {
        await store.close();
        db.close();
      }
    } finally {
      if (sleeper.exitCode === null) sleeper.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
