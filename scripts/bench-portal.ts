/**
 * bench:portal — a real `smt serve` (child process) on an embedded database holding 60 days of
 * 15-minute data for N ESI IDs (default 50,000), with 50 REP users logged in through the login form:
 *   1. the 40-day interval view of one ESI ID, one request at a time: p50 / p95 (target p95 <= 150 ms);
 *   2. 50 users at once browsing the three views (40-day interval, 60-day daily, monthly): p50 / p95 / p99
 *      and pages per second (target p99 < 1 s).
 * Usage: npm run bench:portal -- [--esiids 50000] [--requests 200] [--per-user 20]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { addDays, cptToday } from '../src/core/cpt';
import { sqliteFile } from '../src/db/data-source';
import { hashPassword } from '../src/security/password';
import { benchEsiids, prefillDays, registerBenchParticipants } from './lib/bench-database';
import { log, pct } from './lib/bench-common';
import { smtBin } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:portal -- [options]
  --esiids N     ESI IDs stored with 60 days of 15-minute data (default 50000)
  --requests N   requests of the 40-day interval view timed one at a time (default 200)
  --per-user N   pages each of the 50 users browses at once (default 20)
  --help, -h    this text`;

const USERS = 50;
const PASSWORD = 'Bench-portal-2026';

async function main(): Promise<void> {
  const values = benchArgs('bench:portal', USAGE, { esiids: { type: 'string', default: '50000' }, requests: { type: 'string', default: '200' }, 'per-user': { type: 'string', default: '20' } });
  const count = Number(values.esiids), requests = Number(values.requests), perUser = Number(values['per-user']);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-portal-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const env = { SMT_DATA_DIR: dataDir, SMT_LOG_LEVEL: 'warn', SMT_PORTAL_PORT: String(port), SMT_SOAP_PORT: String(port + 1), SMT_FTPS_PORT: String(port + 2),
    SMT_FTPS_PASSIVE_PORTS: `${port + 3}-${port + 10}`, SMT_METRICS_PORT: String(port + 11), SMT_MOCK_TDSP: 'off', SMT_PORTAL_ADDRESS_MAX_FAILURES: '100000' };
  const app = createApp(loadConfig(env));
  await app.db();
  await app.serverIdentity();
  await app.close();
  const file = sqliteFile(loadConfig(env));
  const esiids = benchEsiids(count);
  const today = cptToday();
  let started = Date.now();
  registerBenchParticipants(file);
  prefillDays(file, esiids, addDays(today, -60), 60);
  const hash = await hashPassword(PASSWORD);
  const db = new Database(file);
  const insert = db.prepare(`INSERT INTO portal_user (login, password_hash, kind, status, participant_id, first_name, last_name, email, language, created_at)
    VALUES (?, ?, 'REP', 'ACTIVE', 2, 'Bench', 'User', ?, 'en', ?)`);
  for (let u = 0; u < USERS; u++) insert.run(`bench-rep-${u}`, hash, `bench-rep-${u}@smt-platform.invalid`, new Date().toISOString());
  db.close();
  log(`stored 60 days x ${count} ESI IDs (${(60 * count).toLocaleString('en-US')} days of 96 intervals) in ${((Date.now() - started) / 1000).toFixed(1)} s; database ${(fs.statSync(file).size / 1e9).toFixed(2)} GB`);

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SMT_')));
  const flags = (process.env.SMT_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, smtBin(), 'serve'], { env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; !stderr.includes('Ctrl-C stops'); i++) {
    if (child.exitCode !== null || i > 1200) throw new Error(`smt serve did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const agent = new https.Agent({ ca: fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt')), keepAlive: true, maxSockets: USERS + 4 });
  try {
    const cookies = await Promise.all(Array.from({ length: USERS }, (_, u) => logIn(agent, port, `bench-rep-${u}`)));
    const last = addDays(today, -1);
    const interval = (esiid: string) => `/usage/${esiid}/interval?from=${addDays(last, -39)}&to=${last}`;
    const pick = (i: number) => esiids[(i * 7919) % esiids.length]!;
    await get(agent, port, interval(pick(0)), cookies[0]!);
    const single: number[] = [];
    for (let i = 1; i <= requests; i++) single.push(await timed(() => get(agent, port, interval(pick(i)), cookies[i % USERS]!)));
    log(`40-day interval view, one at a time (${requests}): p50 ${pct(single, 50)} ms, p95 ${pct(single, 95)} ms, max ${pct(single, 100)} ms (target p95 <= 150 ms)`);
    const views = [interval, (e: string) => `/usage/${e}/daily?from=${addDays(last, -59)}&to=${last}`, (e: string) => `/usage/${e}/monthly?from=${addDays(last, -59)}&to=${last}`];
    const mixed: number[] = [];
    started = Date.now();
    await Promise.all(cookies.map(async (cookie, u) => {
      for (let i = 0; i < perUser; i++) mixed.push(await timed(() => get(agent, port, views[(u + i) % 3]!(pick(u * perUser + i + requests)), cookie)));
    }));
    const seconds = (Date.now() - started) / 1000;
    log(`${USERS} users at once, ${perUser} views each (interval 40 days / daily 60 days / monthly): p50 ${pct(mixed, 50)} ms, p95 ${pct(mixed, 95)} ms, p99 ${pct(mixed, 99)} ms, ${(mixed.length / seconds).toFixed(1)} pages/s (target p99 < 1000 ms)`);
  } finally {
    agent.destroy();
    child.kill('SIGINT');
    await new Promise((resolve) => child.on('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Answer { status: number; body: string; setCookie: string | null }

function request(agent: https.Agent, port: number, method: string, pathAndQuery: string, cookie: string | null, form?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(form)) } : {}) };
    const req = https.request({ host: 'localhost', port, method, path: pathAndQuery, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? null }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

async function get(agent: https.Agent, port: number, pathAndQuery: string, cookie: string): Promise<void> {
  const answer = await request(agent, port, 'GET', pathAndQuery, cookie);
  if (answer.status !== 200 || !answer.body.includes('<svg class="chart"')) throw new Error(`${pathAndQuery}: ${answer.status} ${answer.body.slice(0, 300)}`);
}

async function logIn(agent: https.Agent, port: number, login: string): Promise<string> {
  const form = await request(agent, port, 'GET', '/login', null);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const answer = await request(agent, port, 'POST', '/login', form.setCookie, `_csrf=${csrf}&login=${login}&password=${PASSWORD}&next=%2Fmeters`);
  if (answer.status !== 303 || !answer.setCookie) throw new Error(`login of ${login}: ${answer.status} ${answer.body.slice(0, 200)}`);
  return answer.setCookie;
}

main().catch((error) => {
  process.stderr.write(`bench:portal failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
