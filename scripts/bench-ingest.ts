/**
 * Ingest benchmark: what a TDSP's day costs, measured as a user runs it. Real-shaped LSE files
 * (~1,400 bytes a record, register reads in 00000002, REP= in 00000030, ~1% broken records) are
 * loaded by `smt ingest --for <TDSP>` as a whole process (start-up, parsing, activity reports
 * included) into a database that already holds D days of 50,000 ESI IDs, in both registry states:
 *   learnt    REPs of record learnt from the stored days' files (each file extends them by its days)
 *   imported  ESI IDs and REPs of record imported from the registry first (open stretches)
 * In the same run, the insert ceiling (scripts/lib/insert-ceiling.ts) puts the same rows into the
 * same prefilled table with better-sqlite3 alone; the figure to quote is ingest ÷ ceiling.
 * Every measurement starts from a fresh copy of the prefilled database, written to the disk first;
 * each run loads the files once before it measures anything (the first load after the ceiling probe
 * was the slowest of its run, whichever it was), then interleaves the loads compared, in turn
 * forwards and backwards, so a noisy neighbour hits them alike; medians of --runs.
 * With --db postgres, each run also loads the same files into a fresh PostgreSQL database holding the
 * same prefilled rows (cloned from a template), and the figure is set beside SQLite's of the same runs.
 *   npm run bench:ingest -- --records 500000 --prefill-days 60 [--db postgres]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { addDays } from '../src/core/cpt';
import { sqliteFile } from '../src/db/data-source';
import { BENCH_REP, BENCH_TDSP, benchEsiids, prefillDays, registerBenchParticipants, type BenchRegistryState } from './lib/bench-database';
import { log } from './lib/bench-common';
import { benchArgs } from './lib/bench-options';
import { insertCeiling, readCeilingRows } from './lib/insert-ceiling';
import { generateLseSet } from './lib/lse-generator';
import { smtBin } from './lib/platform-process';
import { benchServerUrl, copySqliteToPostgres, createDatabase, dropDatabase } from './lib/bench-postgres';

const USAGE = `Usage: npm run bench:ingest -- [options]
  --records N        records to load (default 500000: 10 files of 50,000)
  --prefill-days D   days of 50,000 ESI IDs stored before the load (default 60, 3 million rows;
                     --prefill-days 5 for a quick look: prefilling 60 days takes about a minute)
  --esiids E         ESI IDs the files cycle over (default 50000, the prefilled ones)
  --runs R           measurements of each kind; the median is reported (default 3)
  --states LIST      registry states, comma-separated: learnt,imported (default both)
  --node-flags=TEXT  flags for the smt ingest process, e.g. --node-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"
                     (default: SMT_BENCH_NODE_FLAGS)
  --baseline=BIN     also measure another build's smt (e.g. a git worktree of the commit before a
                     change, built: --baseline=/tmp/base/bin/smt) in the same runs, for before/after
  --vee-cost         also load each state with SMT_VEE_MODE=off in every run (the main loads run with
                     VEE on) and print what the VEE check adds to ingest time, as the median of each
                     run's ratio
  --db sqlite|postgres  postgres: also load into PostgreSQL in every run, beside SQLite (default sqlite)
  --pg-url URL       the PostgreSQL server for --db postgres, a role that may create databases
                     (default: SMT_BENCH_POSTGRES_URL, else SMT_TEST_POSTGRES_URL)
  --keep             keep the work folder (files, prefilled databases) and print its path
  --help, -h         this text`;

const START_DAY = '2025-03-05';
const STATES: readonly BenchRegistryState[] = ['learnt', 'imported'];

interface Measure {
  seconds: number;
  recordsPerSecond: number;
  peakRssMb: number | null;
  /** User + system CPU seconds of the process (all its threads): less sensitive to a busy machine than the wall time. */
  cpuSeconds: number | null;
}

async function main(): Promise<void> {
  const values = benchArgs('bench:ingest', USAGE, {
    records: { type: 'string', default: '500000' },
    'prefill-days': { type: 'string', default: '60' },
    esiids: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '3' },
    states: { type: 'string', default: STATES.join(',') },
    'node-flags': { type: 'string', default: process.env.SMT_BENCH_NODE_FLAGS ?? '' },
    baseline: { type: 'string' },
    'vee-cost': { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
    'pg-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  });
  const records = wholeNumber('records', values.records);
  const prefillDayCount = wholeNumber('prefill-days', values['prefill-days']);
  const esiids = wholeNumber('esiids', values.esiids);
  const runs = wholeNumber('runs', values.runs);
  const states = values.states.split(',').map((s) => s.trim()) as BenchRegistryState[];
  if (states.some((s) => !STATES.includes(s))) throw new Error(`--states takes ${STATES.join(', ')}; got "${values.states}"`);
  const nodeFlags = values['node-flags'].split(' ').filter(Boolean);
  if (!['sqlite', 'postgres'].includes(values.db)) throw new Error(`--db takes sqlite or postgres; got "${values.db}"`);
  const server = values.db === 'postgres' ? benchServerUrl(values['pg-url']) : null;
  const pgTemplates = new Map<BenchRegistryState, string>();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-ingest-'));
  try {
    let t = Date.now();
    const lseDir = path.join(dir, 'lse');
    const set = await generateLseSet({ out: lseDir, records, esiids, startDay: START_DAY, sender: BENCH_TDSP, rep: BENCH_REP, seed: 7 });
    const bytes = set.files.reduce((n, f) => n + fs.statSync(f).size, 0);
    log(`generated ${fmt(set.records)} records (${set.badRecords} broken, ${Math.round(bytes / set.records)} bytes a record) in ${set.files.length} files in ${secs(t)} s`);
    const templates = new Map<BenchRegistryState, string>();
    for (const state of new Set<BenchRegistryState>([...states, 'imported'])) {
      t = Date.now();
      templates.set(state, await prefilledDataDir(path.join(dir, `prefilled-${state}`), prefillDayCount, state));
      log(`prefilled ${prefillDayCount} days x ${fmt(PREFILL_ESIIDS)} ESI IDs (${fmt(prefillDayCount * PREFILL_ESIIDS)} rows, REP of record ${state}) in ${secs(t)} s`);
    }
    for (const state of server ? states : []) {
      t = Date.now();
      pgTemplates.set(state, await postgresTemplate(server!, `smt_bench_ingest_${process.pid}_${state}`, templates.get(state)!));
      log(`copied the prefilled rows (REP of record ${state}) into PostgreSQL template ${pgTemplates.get(state)} in ${secs(t)} s`);
    }
    t = Date.now();
    const rows = readCeilingRows(set.files);
    log(`ceiling probe: ${fmt(rows.rows)} loadable rows read in ${secs(t)} s (not timed)`);

    const builds: [string, string][] = [['', smtBin()]];
    if (values.baseline) builds.push(['baseline ', path.resolve(values.baseline)]);
    const results = new Map<string, Measure[]>();
    const add = (kind: string, m: Measure) => results.set(kind, [...(results.get(kind) ?? []), m]);
    const work = path.join(dir, 'run');
    for (let run = 1; run <= runs; run++) {
      copyDataDir(templates.get('imported')!, work);
      const { seconds, cpuSeconds } = insertCeiling(sqliteFile(loadConfig({ SMT_DATA_DIR: work })), rows);
      add('ceiling', { seconds, recordsPerSecond: rows.rows / seconds, peakRssMb: null, cpuSeconds });
      log(`run ${run} ceiling: ${fmt(rows.rows)} rows in ${seconds.toFixed(2)} s = ${fmt(rows.rows / seconds)} rows/s`);
      // The first load after the probe ran 5-30% slower than the same load later in the run, whichever it was.
      copyDataDir(templates.get(states[0])!, work);
      const warm = runIngest(smtBin(), work, lseDir, nodeFlags, set.records, rows.rows);
      log(`run ${run} warm-up load (${states[0]}, not counted): ${warm.seconds.toFixed(2)} s`);
      for (const state of states) {
        /** One measured load of this state's files on a fresh copy of its prefilled data dir. */
        const measure = (kind: string, what: string, bin: string, settings: Record<string, string>): void => {
          copyDataDir(templates.get(state)!, work);
          const m = runIngest(bin, work, lseDir, nodeFlags, set.records, rows.rows, settings);
          add(kind, m);
          log(`run ${run} ${what} (${state}): ${fmt(set.records)} records in ${m.seconds.toFixed(2)} s = ${fmt(m.recordsPerSecond)} records/s, peak RSS ${m.peakRssMb} MB, CPU ${m.cpuSeconds!.toFixed(1)} s`);
        };
        const loads: (() => Promise<void>)[] = [];
        for (const [label, bin] of builds) {
          loads.push(async () => measure(label + state, `${label}ingest`, bin, values['vee-cost'] ? { SMT_VEE_MODE: 'on' } : {}));
        }
        if (values['vee-cost']) loads.push(async () => measure(`vee off ${state}`, 'ingest with VEE off', smtBin(), { SMT_VEE_MODE: 'off' }));
        if (server) {
          loads.push(async () => {
            const name = `smt_bench_ingest_${process.pid}_run`;
            const url = await createDatabase(server, name, pgTemplates.get(state));
            try {
              measure(`postgres ${state}`, 'PostgreSQL ingest', smtBin(), { SMT_DB_TYPE: 'postgres', SMT_DB_URL: url });
            } finally {
              await dropDatabase(server, name);
            }
          });
        }
        // The loads compared take turns at going first (forwards in odd runs, backwards in even ones):
        // whatever makes the first (or last) load of a run slower weighs on each of them alike.
        for (const load of run % 2 === 1 ? loads : [...loads].reverse()) await load();
      }
    }
    fs.rmSync(work, { recursive: true, force: true });

    const ceilings = results.get('ceiling')!;
    const ceiling = median(ceilings.map((m) => m.recordsPerSecond));
    const ceilingCpu = median(ceilings.map((m) => m.cpuSeconds! / rows.rows));
    log(`\nmedians of ${runs} (${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end):`);
    log(`RESULT ceiling: ${fmt(ceiling)} rows/s (better-sqlite3, one prepared INSERT per row, ${prefillDayCount} days stored); CPU ${(ceilingCpu * 1e6).toFixed(1)} µs a row`);
    for (const state of states) {
      for (const [label] of builds) {
        const list = results.get(label + state)!;
        const rate = median(list.map((m) => m.recordsPerSecond));
        const rss = median(list.map((m) => m.peakRssMb ?? 0));
        const cpu = median(list.map((m) => m.cpuSeconds ?? 0)) / set.records;
        // Each run's ingest against the ceiling measured just before it: on a shared machine the load
        // moves between runs, so this median is steadier than the ratio of the two medians.
        const perRun = median(list.map((m, i) => m.recordsPerSecond / ceilings[i].recordsPerSecond));
        log(`RESULT ${label}ingest (${state}): ${fmt(rate)} records/s = ${(rate / ceiling).toFixed(2)} of the ceiling ` +
          `(median of each run's ratio ${perRun.toFixed(2)}); peak RSS ${Math.round(rss)} MB; CPU ${(cpu * 1e6).toFixed(1)} µs a record ` +
          `(both threads; the ceiling's CPU per row ÷ this: ${(ceilingCpu / cpu).toFixed(2)})`);
      }
      const off = results.get(`vee off ${state}`);
      if (off) {
        const on = results.get(state)!;
        const added = median(on.map((m, i) => m.seconds / off[i].seconds - 1));
        const cpuAdded = median(on.map((m, i) => m.cpuSeconds! / off[i].cpuSeconds! - 1));
        log(`RESULT VEE cost (${state}): ingest takes ${(added * 100).toFixed(0)}% longer with VEE on (median of each run's ratio; ` +
          `${fmt(median(off.map((m) => m.recordsPerSecond)))} records/s with VEE off, peak RSS ${Math.round(median(off.map((m) => m.peakRssMb ?? 0)))} MB); CPU ${(cpuAdded * 100).toFixed(0)}% more`);
      }
      const pg = results.get(`postgres ${state}`);
      if (pg) {
        const lite = results.get(state)!;
        const rate = median(pg.map((m) => m.recordsPerSecond));
        const perRun = median(pg.map((m, i) => m.recordsPerSecond / lite[i].recordsPerSecond));
        log(`RESULT PostgreSQL ingest (${state}): ${fmt(rate)} records/s beside SQLite ${fmt(median(lite.map((m) => m.recordsPerSecond)))} records/s in the same runs ` +
          `= ${perRun.toFixed(2)} x SQLite (median of each run's ratio); peak RSS ${Math.round(median(pg.map((m) => m.peakRssMb ?? 0)))} MB`);
      }
    }
  } finally {
    for (const name of pgTemplates.values()) await dropDatabase(server!, name);
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

const PREFILL_ESIIDS = 50_000;

/** A data dir as a live system has it: schema, platform key, participants, ESI IDs, D stored days. */
async function prefilledDataDir(dataDir: string, days: number, state: BenchRegistryState): Promise<string> {
  const config = loadConfig({ SMT_DATA_DIR: dataDir });
  const app = createApp(config);
  try {
    await app.db();
    await app.platformKey();
  } finally {
    await app.close();
  }
  registerBenchParticipants(sqliteFile(config));
  prefillDays(sqliteFile(config), benchEsiids(PREFILL_ESIIDS), addDays(START_DAY, -days), days, state);
  return dataDir;
}

/** A PostgreSQL database migrated by smt and holding the prefilled data dir's rows, for cloning. */
async function postgresTemplate(server: string, name: string, dataDir: string): Promise<string> {
  const url = await createDatabase(server, name);
  const app = createApp(loadConfig({ SMT_DATA_DIR: dataDir, SMT_DB_TYPE: 'postgres', SMT_DB_URL: url }));
  try {
    await app.db();
  } finally {
    await app.close();
  }
  await copySqliteToPostgres(sqliteFile(loadConfig({ SMT_DATA_DIR: dataDir })), url);
  return name;
}

/**
 * A fresh copy of a prefilled data dir, written through to the disk before the load it is for: the
 * kernel would otherwise write the copy's gigabyte or so back while the load runs, and its commits
 * and checkpoints would wait on that, by chance more in one run than in another.
 */
function copyDataDir(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
  spawnSync('sync', [], { stdio: 'ignore' });
}

/**
 * One `smt ingest --for <TDSP> --json <folder>` process under /usr/bin/time (its peak RSS, worker
 * threads included). A figure is only taken when every file loaded every loadable record.
 */
function runIngest(bin: string, dataDir: string, lseDir: string, nodeFlags: string[], records: number, loadable: number, settings: Record<string, string> = {}): Measure {
  const rssFile = path.join(os.tmpdir(), `smt-bench-ingest-rss-${process.pid}`);
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...nodeFlags, bin, 'ingest', '--for', BENCH_TDSP, '--json', lseDir], {
    env: { ...process.env, SMT_DATA_DIR: dataDir, ...settings }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.error) throw run.error;
  const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: string; records: { total: number; byCode: Record<string, number> } });
  const loaded = lines.reduce((n, l) => n + (l.records.byCode['00'] ?? 0), 0);
  const total = lines.reduce((n, l) => n + l.records.total, 0);
  if (run.status !== 0 || total !== records || loaded !== loadable) {
    throw new Error(`smt ingest exited ${run.status} with ${loaded} of ${loadable} loadable records loaded (${total} of ${records} read): ${run.stderr.slice(0, 2000)}`);
  }
  const [kb, user, system] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(rssFile, { force: true });
  return { seconds, recordsPerSecond: records / seconds, peakRssMb: Math.round(kb / 1024), cpuSeconds: user + system };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function wholeNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1, got "${text}"`);
  return n;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function secs(from: number): string {
  return ((Date.now() - from) / 1000).toFixed(1);
}

main().catch((error) => {
  process.stderr.write(`bench:ingest failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
