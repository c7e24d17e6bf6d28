/**
 * The scale-out soak at full size: three `smt serve` instances (api, worker, all) on one PostgreSQL
 * database and one data folder; 20 REPs submit report and HAN requests while a TDSP uploads LSE
 * files; the worker is killed with SIGKILL in the middle of a report, an ingest and a dispatch, and
 * restarted. Prints the counts and exits 1 when anything was done twice, lost or not finished.
 *   npm run soak [-- --reps 20 --esiids-per-rep 500 --days 10 --reports-per-rep 3 --han-per-rep 5 --files 10 --records-per-file 20000]
 * The database server: --postgres URL, or SMT_SOAK_POSTGRES_URL, or SMT_TEST_POSTGRES_URL (a role that
 * may create databases); a database is created for the run and dropped after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase, dropScratchDatabase } from '../src/db/postgres/drop-database';
import { runSoak, type SoakCounts } from './lib/scale-out-soak';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run soak -- [options]
  --postgres URL           the PostgreSQL server, a role that may create databases
                           (default: SMT_SOAK_POSTGRES_URL, else SMT_TEST_POSTGRES_URL)
  --reps N                 REPs submitting requests (default 20)
  --esiids-per-rep N       ESI IDs of each REP (default 500)
  --days N                 days of data stored (default 10)
  --reports-per-rep N      report requests of each REP (default 3)
  --han-per-rep N          HAN devices each REP provisions (default 5)
  --files N                LSE files the TDSP uploads (default 10)
  --records-per-file N     records in each file, at most 50000 (default 20000)
  --keep                   keep the database and the data dir and print where they are
  --help, -h    this text`;

async function main(): Promise<number> {
  const values = benchArgs('soak', USAGE, {
    postgres: { type: 'string' }, reps: { type: 'string', default: '20' }, 'esiids-per-rep': { type: 'string', default: '500' }, days: { type: 'string', default: '10' },
    'reports-per-rep': { type: 'string', default: '3' }, 'han-per-rep': { type: 'string', default: '5' }, files: { type: 'string', default: '10' },
    'records-per-file': { type: 'string', default: '20000' }, keep: { type: 'boolean', default: false },
  });
  const server = values.postgres ?? process.env.SMT_SOAK_POSTGRES_URL ?? process.env.SMT_TEST_POSTGRES_URL;
  if (!server) {
    process.stderr.write('soak: name a PostgreSQL server whose role may create databases: --postgres postgres://USER:PASSWORD@HOST:5432/postgres (or SMT_SOAK_POSTGRES_URL)\n');
    return 2;
  }
  const number = (name: keyof typeof values): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} is "${values[name]}"; expected a whole number of at least 1`);
    return n;
  };
  const options = {
    reps: number('reps'), esiidsPerRep: number('esiids-per-rep'), days: number('days'), reportsPerRep: number('reports-per-rep'),
    hanPerRep: number('han-per-rep'), uploadFiles: number('files'), recordsPerFile: number('records-per-file'),
  };
  if (options.recordsPerFile > 50_000) throw new Error('--records-per-file may be at most 50000 (larger LSE files are refused as a whole, F1)');
  const database = `smt_soak_${process.pid}_${Date.now()}`;
  await admin(server, (c) => createScratchDatabase(c, database));
  const url = new URL(server);
  url.pathname = `/${database}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-soak-'));
  let counts: SoakCounts;
  try {
    counts = await runSoak({ dbUrl: url.toString(), dataDir, ...options, log: (line) => process.stderr.write(`soak: ${line}\n`) });
  } finally {
    if (!values.keep) {
      await admin(server, (c) => dropScratchDatabase(c, database)).catch((error) => process.stderr.write(`soak: database ${database} left behind: ${(error as Error).message}\n`));
      fs.rmSync(dataDir, { recursive: true, force: true });
    } else {
      process.stderr.write(`soak: kept database ${database} and data dir ${dataDir}\n`);
    }
  }
  const problems = check(counts, options.reps * options.reportsPerRep, options.reps * options.hanPerRep, options.uploadFiles);
  process.stdout.write(`${render(counts)}\n${problems.length ? `FAILED:\n  ${problems.join('\n  ')}` : 'every request completed exactly once'}\n`);
  return problems.length ? 1 : 0;
}

function check(c: SoakCounts, reports: number, devices: number, files: number): string[] {
  const problems: string[] = [];
  const want = (ok: boolean, what: string) => void (ok || problems.push(what));
  want(c.reports.delivered === reports && c.reports.failed === 0, `reports delivered ${c.reports.delivered} of ${reports} (${c.reports.failed} failed)`);
  want(c.reports.extraFiles === 0 && c.reports.filesMissing === 0, `report files: ${c.reports.extraFiles} beyond those recorded, ${c.reports.filesMissing} recorded but missing`);
  want(c.files.loadedOnce === files && c.files.loadedTwice === 0 && c.files.lost === 0, `files: ${c.files.loadedOnce} of ${files} loaded once, ${c.files.loadedTwice} twice, ${c.files.lost} lost`);
  want(c.files.storedRows === c.files.expectedRows, `interval rows stored ${c.files.storedRows}, expected ${c.files.expectedRows}`);
  want(c.dispatches.devicesAdded === devices && c.dispatches.addedTwice === 0 && c.dispatches.notDone === 0, `devices added ${c.dispatches.devicesAdded} of ${devices} (${c.dispatches.addedTwice} twice), outbox rows not done ${c.dispatches.notDone}`);
  want(c.replay.answer === 'NOT_FOUND then WSS_REPLAY', `the replayed request: ${c.replay.answer}`);
  return problems;
}

function render(c: SoakCounts): string {
  const k = c.killedWhile;
  return [
    `instances: A api, B worker, C all; B killed with SIGKILL while holding a report (${k.report}), an uploaded file (${k.ingest}) and a TDSP call (${k.dispatch}), then restarted`,
    `reports:    ${c.reports.submitted} submitted, ${c.reports.delivered} delivered, ${c.reports.failed} failed; ${c.reports.filesRecorded} files, ${c.reports.extraFiles} extra, ${c.reports.filesMissing} missing; ${c.reports.retriedAfterKill} claimed more than once (${c.reports.staleClaimsReleased} stale claims released)`,
    `files:      ${c.files.uploaded} uploaded, ${c.files.loadedOnce} loaded once, ${c.files.loadedTwice} twice, ${c.files.lost} lost; ${c.files.interruptedLoads} load(s) cut by the kill; ${c.files.storedRows} of ${c.files.expectedRows} interval rows stored`,
    `dispatches: ${c.dispatches.requestsAtTdsp} requests reached the TDSP, ${c.dispatches.done} outbox rows done, ${c.dispatches.notDone} not; ${c.dispatches.devicesAdded} devices added (${c.dispatches.addedTwice} twice); ${c.dispatches.resentAfterKill} re-sent after the kill (same request id)`,
    `replay:     signed request sent to ${c.replay.firstAt}, replayed to ${c.replay.replayAt}: ${c.replay.answer}`,
    `time:       ${c.seconds} s`,
  ].join('\n');
}

async function admin(server: string, work: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

main().then((status) => process.exit(status), (error) => {
  process.stderr.write(`soak: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
