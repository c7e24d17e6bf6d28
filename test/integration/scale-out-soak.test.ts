import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runSoak, type SoakCounts } from '../../scripts/lib/scale-out-soak';
import { createTestDatabase } from '../support/postgres-database';

/**
 * Three `smt serve` instances (api, worker, all) on one PostgreSQL database and one data folder;
 * the worker is killed with SIGKILL while it holds a report, an uploaded file and a TDSP call, and
 * restarted. CI-sized; `npm run soak` runs the full size (20 REPs).
 */
describe('scale-out soak: three instances on PostgreSQL, one killed with kill -9', function () {
  this.timeout(420_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>> = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-soak-'));
  let counts: SoakCounts;

  before(async function () {
    database = await createTestDatabase('smt_soak');
    if (!database) this.skip();
    counts = await runSoak({
      dbUrl: database!.url, dataDir, reps: 4, esiidsPerRep: 150, days: 6, reportsPerRep: 2, hanPerRep: 2, uploadFiles: 4, recordsPerFile: 2500,
      log: (line) => process.stderr.write(`      soak: ${line}\n`),
    });
    process.stderr.write(`      soak counts: ${JSON.stringify(counts)}\n`);
  });
  after(async () => {
    // Dropping can race an autovacuum worker on the fresh database: try again shortly.
    for (let attempt = 0; database && attempt < 5; attempt++) {
      try {
        await database.drop();
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed the worker while it held a report, an uploaded file and a TDSP call', () => {
    expect(counts.killedWhile).to.deep.equal({ report: true, ingest: true, dispatch: true });
  });

  it('completes every report request once: delivered, each file the one recorded, none made twice', () => {
    const r = counts.reports;
    expect(r.submitted).to.equal(8);
    expect(r.delivered, JSON.stringify(r)).to.equal(r.submitted);
    expect(r.failed).to.equal(0);
    expect(r.filesRecorded).to.be.at.least(r.submitted);
    expect(r.filesMissing).to.equal(0);
    expect(r.extraFiles, 'no report file beyond those recorded').to.equal(0);
  });

  it('loads every uploaded file exactly once, losing none, with every record stored once', () => {
    const f = counts.files;
    expect(f.uploaded).to.equal(4);
    expect(f.loadedOnce, JSON.stringify(f)).to.equal(f.uploaded);
    expect(f.loadedTwice).to.equal(0);
    expect(f.lost).to.equal(0);
    expect(f.storedRows).to.equal(f.expectedRows);
  });

  it('delivers every HAN dispatch once: each device added once, every outbox row done', () => {
    const d = counts.dispatches;
    expect(d.devicesAdded, JSON.stringify(d)).to.equal(8);
    expect(d.addedTwice).to.equal(0);
    expect(d.notDone).to.equal(0);
    expect(d.requestsAtTdsp).to.equal(8);
  });

  it('refuses at another instance a signed request the first accepted', () => {
    expect(counts.replay.answer).to.equal('NOT_FOUND then WSS_REPLAY');
  });
});
