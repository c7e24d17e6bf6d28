import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';
import { openDatabase } from '../../../src/db/data-source';
import { SQLITE_WAL_AUTOCHECKPOINT_PAGES } from '../../../src/db/sqlite-settings';
import { applyIngestPragmas } from '../../../src/ingest/sqlite-ingest.store';

describe('embedded database connections and WAL checkpoints', () => {
  it('checkpoint at the same WAL size on the platform connection as on the ingest connection, so a small commit after a load does not checkpoint the load', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-checkpoint-'));
    const db = await openDatabase(loadConfig({ SMT_DATA_DIR: dir }));
    try {
      const file = path.join(dir, 'smt.sqlite');
      const load = new Database(file);
      applyIngestPragmas(load);
      expect(load.pragma('wal_autocheckpoint', { simple: true })).to.equal(SQLITE_WAL_AUTOCHECKPOINT_PAGES);
      // A load of about 3,000 pages, committed on the ingest connection (below its checkpoint size).
      load.exec('CREATE TABLE load_probe (v BLOB)');
      const insert = load.prepare('INSERT INTO load_probe (v) VALUES (?)');
      load.transaction(() => { for (let i = 0; i < 3_000; i++) insert.run(Buffer.alloc(3_000, i % 251)); })();
      load.close();
      // A small commit on the platform's connection (as VEE's quality row after each file): the load's pages stay in the WAL.
      await db.query("INSERT INTO load_probe (v) VALUES (x'00')");
      // Until a checkpoint copies them back, the load's 9 MB are in the WAL, not in the database file.
      expect(fs.statSync(file).size).to.be.lessThan(2_000_000);
      expect(fs.statSync(`${file}-wal`).size).to.be.greaterThan(8_000_000);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
