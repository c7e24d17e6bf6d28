import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/config';
import { silentLogger } from '../../../src/core/logger';
import { openDatabase } from '../../../src/db/data-source';
import { LoginFailure } from '../../../src/db/entities/login-failure.entity';
import { LoginLock } from '../../../src/db/entities/login-lock.entity';
import { SeenSignature } from '../../../src/db/entities/seen-signature.entity';
import { addressSubject, LoginThrottle, participantSubject } from '../../../src/security/login-throttle';
import { SeenSignatureStore } from '../../../src/security/seen-signature.store';
import { createTestDatabase } from '../../support/postgres-database';

const MINUTE = 60_000;
const T0 = Date.parse('2025-07-01T12:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

/** The replay records and the login throttle in the database, on SQLite and (with SMT_TEST_POSTGRES_URL) PostgreSQL. */
function trustState(label: string, env: () => Promise<{ settings: Record<string, string>; drop(): Promise<void> } | null>): void {
  describe(`security/trust state in the database (${label})`, function () {
    this.timeout(60_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-trust-state-'));
    let db: DataSource;
    let other: DataSource;
    let drop: () => Promise<void> = async () => undefined;

    before(async function () {
      const found = await env();
      if (!found) this.skip();
      drop = found.drop;
      const config = loadConfig({ SMT_DATA_DIR: tmp, ...found.settings });
      db = await openDatabase(config);
      // A second connection, as a second `smt serve` on the same database has.
      other = await openDatabase(config);
    });
    after(async () => {
      await other?.destroy();
      await db?.destroy();
      await drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });
    beforeEach(async () => {
      for (const entity of [SeenSignature, LoginFailure, LoginLock]) await db.manager.clear(entity);
    });

    describe('SeenSignatureStore', () => {
      it('accepts a digest once until it expires, across connections, and takes over an expired record', async () => {
        const one = new SeenSignatureStore(db, silentLogger(), { maxEntries: 100 });
        const two = new SeenSignatureStore(other, silentLogger(), { maxEntries: 100 });
        expect(await one.seen('a'.repeat(64), at(10 * MINUTE), at(0))).to.equal(false);
        expect(await two.seen('a'.repeat(64), at(10 * MINUTE), at(1000))).to.equal(true);
        expect(await one.seen('a'.repeat(64), at(10 * MINUTE), at(10 * MINUTE))).to.equal(true);
        expect(await two.seen('a'.repeat(64), at(30 * MINUTE), at(10 * MINUTE + 1))).to.equal(false);
        expect(await one.seen('a'.repeat(64), at(30 * MINUTE), at(10 * MINUTE + 2))).to.equal(true);
        expect(await one.seen('b'.repeat(64), at(-1), at(0)), 'an expired message is not recorded').to.equal(false);
        expect(await db.manager.count(SeenSignature)).to.equal(1);
      });

      it('lets exactly one of many racing inserts of the same digest win', async () => {
        const stores = [db, other].map((d) => new SeenSignatureStore(d, silentLogger(), { maxEntries: 1000 }));
        for (let round = 0; round < 10; round++) {
          const digest = `${round}`.padStart(64, 'c');
          const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => stores[i % 2]!.seen(digest, at(MINUTE), at(0))));
          expect(answers.filter((seen) => !seen)).to.have.length(1);
        }
      });

      it('purges expired records, and holds the table to its cap by dropping the records closest to expiry', async () => {
        const store = new SeenSignatureStore(db, silentLogger(), { maxEntries: 10, sweepIntervalMs: 1e12 });
        for (let i = 0; i < 30; i++) await store.seen(`${i}`.padStart(64, 'd'), at((i + 1) * MINUTE), at(0));
        expect(await db.manager.count(SeenSignature)).to.equal(30);
        expect(await store.sweep(at(5 * MINUTE + 1))).to.deep.equal({ expired: 5, dropped: 15 });
        const kept = (await db.manager.find(SeenSignature, { order: { expiresAt: 'ASC' } })).map((r) => r.expiresAt);
        expect(kept).to.deep.equal(Array.from({ length: 10 }, (_, i) => at((21 + i) * MINUTE).toISOString()));
      });
    });

    describe('LoginThrottle', () => {
      let now: number;
      const throttle = (d = db, options = {}) => new LoginThrottle(d, silentLogger(), { now: () => now, ...options });
      const address = addressSubject('203.0.113.5');
      const participant = participantSubject(7);
      beforeEach(() => (now = T0));

      it('locks a subject for 15 minutes after 5 failures within 15 minutes, seen from every connection', async () => {
        for (let i = 0; i < 4; i++) expect((await throttle().recordFailure([address, participant])).lockedUntil).to.equal(null);
        const fifth = await throttle(other).recordFailure([participant]);
        expect(fifth).to.deep.equal({ failures: { [participant]: 5 }, lockedUntil: at(15 * MINUTE) });
        expect(await throttle(other).lockedUntil([participant])).to.deep.equal(at(15 * MINUTE));
        expect(await throttle().lockedUntil([address]), 'the address had 4').to.equal(null);
        now += 15 * MINUTE - 1;
        expect(await throttle().lockedUntil([address, participant])).to.deep.equal(at(15 * MINUTE));
        now += 1;
        expect(await throttle().lockedUntil([participant])).to.equal(null);
        expect((await throttle().recordFailure([participant])).failures, 'a lock ends with a clean count').to.deep.equal({ [participant]: 1 });
      });

      it('counts in a sliding window, and forgets a subject\'s failures on success', async () => {
        for (let i = 0; i < 4; i++) {
          await throttle().recordFailure([address]);
          now += 5 * MINUTE;
        }
        expect((await throttle().recordFailure([address])).failures[address]).to.equal(3);
        await throttle().recordSuccess(address);
        expect((await throttle().recordFailure([address])).failures[address]).to.equal(1);
      });

      it('purges old rows, and holds address rows to the cap without dropping participants\'', async () => {
        const capped = throttle(db, { maxAddressRows: 10 });
        for (let i = 0; i < 30; i++) {
          now = T0 + i * 1000;
          await capped.recordFailure([addressSubject(`198.51.100.${i}`)]);
        }
        await capped.recordFailure([participant]);
        await capped.sweep();
        expect(await db.manager.countBy(LoginFailure, { subject: participant })).to.equal(1);
        expect(await db.manager.count(LoginFailure)).to.equal(11);
        now += 15 * MINUTE;
        await capped.sweep();
        expect(await db.manager.count(LoginFailure)).to.equal(0);
      });
    });
  });
}

trustState('SQLite', async () => ({ settings: {}, drop: async () => undefined }));
trustState('PostgreSQL', async () => {
  const database = await createTestDatabase('smt_trust');
  return database && { settings: { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database.url }, drop: () => database.drop() };
});
