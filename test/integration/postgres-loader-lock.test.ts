import { expect } from 'chai';
import { Client, Pool } from 'pg';
import { PostgresLoaderLock } from '../../src/ingest/postgres-ingest.loader';
import { createTestDatabase } from '../support/postgres-database';

/** The ingest loader lock's connection, lost under it (a server restart, a network cut) and taken again. */
describe('PostgreSQL ingest loader lock', function () {
  this.timeout(60_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  before(async function () {
    database = await createTestDatabase('smt_loader_lock');
    if (!database) return this.skip();
    pool = new Pool({ connectionString: database.url, max: 2 });
    pool.on('error', () => undefined);
  });
  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('gives a lost connection back to the pool as broken and takes a new key on another, so the pool never runs dry', async () => {
    const lock = new PostgresLoaderLock(pool);
    const first = await lock.key();
    expect(await lock.key()).to.equal(first);
    // Another session ends the lock's backend, as a server restart would.
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    try {
      const { rows } = await admin.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
      expect(rows).to.have.length(1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await lock.key();
    expect(second).to.not.equal(first);
    // With a pool of two, one held by the new lock: the other is still free (the lost one went back).
    expect(pool.totalCount).to.be.at.most(2);
    const client = await pool.connect();
    expect((await client.query('SELECT 1 AS one')).rows[0].one).to.equal(1);
    client.release();
    await lock.release();
  });
});
