/**
 * Report benchmark, as a user runs it: `smt report --deliver` then `smt reports run`, each a whole
 * process (start-up included), timed from the first command's start to the second's exit, with
 * the larger of the two peak RSS (threads included). In the same run, on the same rows, the zip +
 * PGP stage alone (bench-report-file: the same CSV, taken from `smt report --out`, pushed through
 * ReportFileWriter with the same level, split size and key), and total ÷ stage. Runs alternate
 * (whole path, stage, whole path, ...) so load from elsewhere falls on both alike; medians of --runs.
 *   npm run bench:report -- [--runs 3] [--cases 50000x1,1000x31,1x1460] [--keep] [--db postgres [--pg-url URL]]
 * With --db postgres, each run also takes the whole path on a PostgreSQL database holding the same
 * rows (copied from the embedded one), set beside the SQLite time of the same run.
 * Settings (SMT_REPORT_*, e.g. SMT_REPORT_CSV_THREADS) pass through to every smt process.
 * SMT_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the smt processes' node.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { addDays, cptToday } from '../src/core/cpt';
import { sqliteFile } from '../src/db/data-source';
import { generatePgpKeyPair } from '../src/delivery/pgp';
import type { StageResult } from './bench-report-file';
import { BENCH_REP, benchEsiids, prefillDays, registerBenchParticipants } from './lib/bench-database';
import { smtBin } from './lib/platform-process';
import { benchServerUrl, copySqliteToPostgres, createDatabase, dropDatabase } from './lib/bench-postgres';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:report -- [options]
  --runs N           runs of each case; medians are printed (default 3)
  --cases LIST       ESI IDs x days of 15-minute data per case, comma-separated (default 50000x1,1000x31)
  --keep             keep the data dir and print its path
  --db sqlite|postgres  postgres: also take the whole path on PostgreSQL in every run, beside SQLite (default sqlite)
  --pg-url URL       the PostgreSQL server for --db postgres, a role that may create databases
                     (default: SMT_BENCH_POSTGRES_URL, else SMT_TEST_POSTGRES_URL)
  --help, -h    this text`;

const LAST_DAY = addDays(cptToday(), -1);
const TIME = '/usr/bin/time';

interface Case {
  label: string;
  esiids: number;
  days: number;
}

interface Measured {
  seconds: number;
  /** User + system CPU of the whole process, every thread: less sensitive to load from elsewhere than wall time. */
  cpuSeconds: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const values = benchArgs('bench:report', USAGE, {
    runs: { type: 'string', default: '3' },
    cases: { type: 'string', default: '50000x1,1000x31' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
    'pg-url': { type: 'string' },
  });
  if (!['sqlite', 'postgres'].includes(values.db)) throw new Error(`--db takes sqlite or postgres; got "${values.db}"`);
  const server = values.db === 'postgres' ? benchServerUrl(values['pg-url']) : null;
  const pgName = `smt_bench_report_${process.pid}`;
  const runs = Number(values.runs);
  const cases: Case[] = values.cases.split(',').map((c) => {
    const [esiids, days] = c.split('x').map(Number);
    if (!(esiids > 0 && days > 0)) throw new Error(`--cases: "${c}" is not ESIIDSxDAYS, e.g. 50000x1`);
    return { label: `${esiids.toLocaleString('en-US')} ESI IDs x ${days} day(s)`, esiids, days };
  });
  if (!fs.existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed to read the peak RSS of the smt processes`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-report-'));
  const env = { ...process.env, SMT_DATA_DIR: dir, SMT_LOG_LEVEL: process.env.SMT_LOG_LEVEL ?? 'warn' };
  try {
    const config = loadConfig(env);
    const app = createApp(config);
    await app.db();
    await app.close();
    const key = await generatePgpKeyPair({ name: 'Bench REP', email: 'bench@rep.example' });
    const keyFile = path.join(dir, 'rep-public.asc');
    fs.writeFileSync(keyFile, key.publicArmored);
    registerBenchParticipants(sqliteFile(config), key.publicArmored);
    const t = Date.now();
    const most = Math.max(...cases.map((c) => c.esiids));
    const all = benchEsiids(most);
    // ESI IDs registered once; then each case's days (day ranges of different lengths end on the same day, so overlaps are shared).
    prefillDays(sqliteFile(config), all, LAST_DAY, 1);
    for (const c of cases.filter((x) => x.days > 1)) prefillDays(sqliteFile(config), all.slice(0, c.esiids), addDays(LAST_DAY, 1 - c.days), c.days - 1);
    log(`prefilled in ${((Date.now() - t) / 1000).toFixed(1)} s (${dir}); ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    let pgEnv: NodeJS.ProcessEnv | null = null;
    if (server) {
      const t2 = Date.now();
      pgEnv = { ...env, SMT_DB_TYPE: 'postgres', SMT_DB_URL: await createDatabase(server, pgName) };
      const pgApp = createApp(loadConfig(pgEnv));
      await pgApp.db();
      await pgApp.close();
      await copySqliteToPostgres(sqliteFile(config), pgEnv.SMT_DB_URL!);
      log(`copied the rows into PostgreSQL database ${pgName} in ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    }
    log(`settings: ${Object.entries(process.env).filter(([k]) => k.startsWith('SMT_REPORT_')).map(([k, v]) => `${k}=${v}`).join(' ') || 'defaults'} (compression level ${config.reports.compressionLevel}, ${config.reports.csvThreads} CSV thread(s), files split at ${config.reports.maxFileCsvBytes / 1024 / 1024} MB)`);
    for (const c of cases) await runCase(c, all.slice(0, c.esiids), dir, env, keyFile, config.reports.compressionLevel, config.reports.maxFileCsvBytes, runs, pgEnv);
  } finally {
    if (server) await dropDatabase(server, pgName);
    if (values.keep) log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runCase(c: Case, esiids: string[], dir: string, env: NodeJS.ProcessEnv, keyFile: string, level: number, maxCsvBytes: number, runs: number,
  pgEnv: NodeJS.ProcessEnv | null): Promise<void> {
  const from = usDate(addDays(LAST_DAY, 1 - c.days));
  const to = usDate(LAST_DAY);
  const listFile = path.join(dir, `esiids-${c.esiids}.txt`);
  fs.writeFileSync(listFile, `${esiids.join('\n')}\n`);
  const request = ['report', '--type', 'interval', '--duns', BENCH_REP, '--from', from, '--to', to, '--esiids-file', listFile];
  // The same rows as plain CSV, for the stage alone (not timed).
  const csvFile = path.join(dir, `report-${c.esiids}x${c.days}.csv`);
  await smt([...request, '--out', csvFile], env);
  const whole: Measured[] = [];
  const onPg: Measured[] = [];
  const stage: StageResult[] = [];
  let rows = 0;
  let delivered = '';
  for (let run = 0; run < runs; run++) {
    const m = await wholePath(c, request, dir, env);
    whole.push(m);
    ({ rows, delivered } = m);
    log(`  run ${run + 1}: whole path ${m.parts}`);
    if (pgEnv) {
      const p = await wholePath(c, request, dir, pgEnv);
      if (p.rows !== rows) throw new Error(`${c.label}: PostgreSQL delivered ${p.rows} rows, SQLite ${rows}`);
      onPg.push(p);
      log(`  run ${run + 1}: PostgreSQL whole path ${p.parts} = ${(p.seconds / m.seconds).toFixed(2)} x SQLite`);
    }
    const alone = await stageAlone(csvFile, keyFile, level, maxCsvBytes, env);
    if (alone.rows !== rows) throw new Error(`${c.label}: the stage alone pushed ${alone.rows} rows, the report has ${rows}`);
    stage.push(alone);
    log(`  run ${run + 1}: zip + PGP stage alone ${alone.seconds.toFixed(2)} s (CPU ${alone.cpuSeconds.toFixed(2)} s), peak RSS ${alone.peakRssMb} MB (the CSV held in memory included)`);
  }
  const total = median(whole.map((m) => m.seconds));
  const ceiling = median(stage.map((s) => s.seconds));
  const rss = median(whole.map((m) => m.peakRssMb));
  const cpu = median(whole.map((m) => m.cpuSeconds));
  const stageCpu = median(stage.map((s) => s.cpuSeconds));
  log(`RESULT report ${c.label}: ${rows.toLocaleString('en-US')} rows, ${delivered}; ` +
    `whole path (smt report --deliver + smt reports run) ${total.toFixed(2)} s, peak RSS ${rss} MB; ` +
    `zip + PGP stage alone ${ceiling.toFixed(2)} s; total / stage = ${(total / ceiling).toFixed(2)}; ` +
    `CPU ${cpu.toFixed(2)} s / ${stageCpu.toFixed(2)} s = ${(cpu / stageCpu).toFixed(2)} (medians of ${whole.length})`);
  if (onPg.length > 0) {
    log(`RESULT PostgreSQL report ${c.label}: whole path ${median(onPg.map((m) => m.seconds)).toFixed(2)} s beside SQLite ${total.toFixed(2)} s in the same runs = ` +
      `${median(onPg.map((m, i) => m.seconds / whole[i].seconds)).toFixed(2)} x SQLite (median of each run's ratio); peak RSS ${median(onPg.map((m) => m.peakRssMb))} MB`);
  }
  fs.rmSync(csvFile, { force: true });
}

/** `smt report --deliver` then `smt reports run` on the database `env` names; the request must end with status 0. */
async function wholePath(c: Case, request: string[], dir: string, env: NodeJS.ProcessEnv): Promise<Measured & { rows: number; delivered: string; parts: string }> {
  const submit = await smt([...request, '--deliver'], env);
  const id = /correlation id (\S+):/.exec(submit.stdout)?.[1];
  if (!id) throw new Error(`smt report --deliver printed no correlation id: ${submit.stdout}${submit.stderr}`);
  const produce = await smt(['reports', 'run'], env);
  const status = JSON.parse((await smt(['requests', '--id', id, '--json'], env)).stdout.trim().split('\n')[0]);
  if (status.statusCode !== '0') throw new Error(`${c.label}: request ${id} ended ${status.statusCode} ${status.statusReason ?? ''}`);
  fs.rmSync(path.join(dir, 'ftps', BENCH_REP, 'adhoc'), { recursive: true, force: true });
  return {
    seconds: submit.seconds + produce.seconds, cpuSeconds: submit.cpuSeconds + produce.cpuSeconds, peakRssMb: Math.max(submit.peakRssMb, produce.peakRssMb),
    rows: status.recordCount,
    delivered: `${(status.files.reduce((n: number, f: { bytes: number }) => n + f.bytes, 0) / 1e6).toFixed(1)} MB in ${status.files.length} file(s)`,
    parts: `${submit.seconds.toFixed(2)} + ${produce.seconds.toFixed(2)} s (CPU ${submit.cpuSeconds.toFixed(2)} + ${produce.cpuSeconds.toFixed(2)} s), peak RSS ${submit.peakRssMb} / ${produce.peakRssMb} MB`,
  };
}

async function stageAlone(csvFile: string, keyFile: string, level: number, maxCsvBytes: number, env: NodeJS.ProcessEnv): Promise<StageResult> {
  const script = path.join(__dirname, `bench-report-file${path.extname(__filename)}`);
  const runtime = __filename.endsWith('.ts') ? ['-r', path.join(__dirname, '../src/core/typescript-runtime.js')] : [];
  const run = await timed([process.execPath, ...runtime, script, '--csv', csvFile, '--key', keyFile, '--level', String(level),
    '--max-csv-mb', String(maxCsvBytes / 1024 / 1024), '--json'], env);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as StageResult;
}

function smt(args: string[], env: NodeJS.ProcessEnv): Promise<Measured & { stdout: string; stderr: string }> {
  const flags = (process.env.SMT_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return timed([process.execPath, ...flags, smtBin(), ...args], env);
}

/** Runs a command under GNU time; wall time from spawn to exit, peak RSS as the kernel saw it. */
function timed(command: string[], env: NodeJS.ProcessEnv): Promise<Measured & { stdout: string; stderr: string }> {
  const rssFile = path.join(os.tmpdir(), `smt-bench-rss-${process.pid}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M %U %S', '-o', rssFile, ...command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (status !== 0) return reject(new Error(`${command.slice(1).join(' ')} exited with ${status}: ${stderr}${stdout}`));
      const [rssKb, user, system] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      fs.rmSync(rssFile, { force: true });
      resolve({ seconds, cpuSeconds: user + system, peakRssMb: Math.round(rssKb / 1024), stdout, stderr });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 'YYYY-MM-DD' → 'MM/DD/YYYY', the CLI's date form. */
function usDate(day: string): string {
  return `${day.slice(5, 7)}/${day.slice(8, 10)}/${day.slice(0, 4)}`;
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:report failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
