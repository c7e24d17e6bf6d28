/**
 * The scale-out soak: three `smt serve` instances on one PostgreSQL database and one data folder
 * (A: api, B: worker, C: all). REPs submit report and HAN requests through A while a TDSP uploads
 * LSE files; B is killed with SIGKILL while it holds a report, an uploaded file and a TDSP call,
 * then C starts and B restarts. Everything must finish exactly once; the counts say so.
 * Run by test/integration/scale-out-soak.test.ts (CI-sized) and scripts/soak.ts (full-sized).
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import * as soap from 'soap';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { ensureDevelopmentSetup } from '../../src/security/development-setup';
import { issueCertificate } from '../../src/security/pki';
import { runCli } from '../../src/main';
import { generatedEsiid, generateLseSet } from './lse-generator';
import { HoldingProxy } from './holding-proxy';
import { freePort, ServeProcess } from './serve-process';
import { signedRequest, submitHan, submitReport, type RepClient } from './soak-clients';

export interface SoakOptions {
  dbUrl: string;
  dataDir: string;
  reps: number;
  esiidsPerRep: number;
  /** Operating days stored before the run (what the reports read). */
  days: number;
  reportsPerRep: number;
  hanPerRep: number;
  uploadFiles: number;
  recordsPerFile: number;
  log: (line: string) => void;
}

export interface SoakCounts {
  reports: { submitted: number; delivered: number; failed: number; filesRecorded: number; filesMissing: number; extraFiles: number; retriedAfterKill: number; staleClaimsReleased: number };
  files: { uploaded: number; loadedOnce: number; loadedTwice: number; lost: number; interruptedLoads: number; storedRows: number; expectedRows: number };
  dispatches: { requestsAtTdsp: number; done: number; notDone: number; devicesAdded: number; addedTwice: number; resentAfterKill: number };
  replay: { firstAt: string; replayAt: string; answer: string };
  killedWhile: { report: boolean; ingest: boolean; dispatch: boolean };
  seconds: number;
}

const FIRST_DAY = '2025-06-01';
const TDSP_DUNS = '100000001';
/**
 * The generator numbers ESI IDs from 1; 1..5 are the development setup's demo ESI IDs (the demo
 * REP's), so the soak REPs' start at 6 and the LSE files cover 1..(5 + all the REPs').
 */
const FIRST_ESIID = 6;
const generatedEsiids = (o: SoakOptions): number => FIRST_ESIID - 1 + o.reps * o.esiidsPerRep;

export async function runSoak(o: SoakOptions): Promise<SoakCounts> {
  const started = Date.now();
  const env = { SMT_DATA_DIR: o.dataDir, SMT_DB_TYPE: 'postgres', SMT_DB_URL: o.dbUrl, SMT_MOCK_TDSP: 'off', SMT_PORTAL: 'off' };
  const tool = createApp(loadConfig(env));
  const instances: ServeProcess[] = [];
  let proxy: HoldingProxy | null = null;
  try {
    const setup = await ensureDevelopmentSetup(tool);
    const caPem = fs.readFileSync(setup.pki.caCertPath, 'utf8');
    const reps = await addReps(tool, o);
    o.log(`setup: ${o.reps} REPs with ${o.esiidsPerRep} ESI IDs each; storing ${o.days} days`);
    await preload(tool, o, env);
    // The mock TDSP runs here, behind a proxy that can hold the platform's calls in flight.
    const tdsp = setup.demo.find((d) => d.kind === 'TDSP')!;
    const behaviour = path.join(o.dataDir, 'mock-behaviour.json');
    fs.writeFileSync(behaviour, JSON.stringify({ provisioning: [{ status: 'Device Added', delayMs: 0 }] }));
    const mock = await tool.startMockTdsp({ tdspCert: tdsp.clientCertPath, tdspKey: tdsp.clientKeyPath, behaviour, port: 0 });
    proxy = new HoldingProxy(mock.port);
    await proxy.start();
    await (await tool.registry()).updateParticipant(tdsp.name, { endpoint: `https://localhost:${proxy.port}/TdspHan` });

    const [soapA, soapC] = [await freePort(), await freePort()];
    const common = {
      ...process.env, ...env, SMT_SOAP_PUBLIC_URL: `https://localhost:${soapA}`, SMT_FTPS_PORT: '0', SMT_LEASE_S: '3', SMT_REPORT_CLAIM_TIMEOUT_S: '10',
      SMT_TDSP_TIMEOUT_S: '3', SMT_TDSP_RETRY_BASE_MS: '200', SMT_TDSP_POLL_MS: '200', SMT_REPORT_POLL_MS: '200', SMT_REPORT_MIN_FREE_MB: '0', SMT_LOG_LEVEL: 'warn',
      // Twenty REPs signing 500-ESI-ID requests at once on a small shared machine: give verification room rather than refuse.
      SMT_SOAP_VERIFY_BUDGET_MS: '30000',
    };
    const passive = async () => `${await freePort()}`;
    const a = new ServeProcess('A (api)', { ...common, SMT_SOAP_PORT: String(soapA), SMT_FTPS_PASSIVE_PORTS: await passive() }, ['--role', 'api']);
    const b = new ServeProcess('B (worker)', { ...common, SMT_SOAP_PORT: '0', SMT_FTPS_PASSIVE_PORTS: await passive() }, ['--role', 'worker', '--poll-seconds', '1']);
    const c = new ServeProcess('C (all)', { ...common, SMT_SOAP_PORT: String(soapC), SMT_FTPS_PASSIVE_PORTS: await passive() }, ['--role', 'all', '--poll-seconds', '1']);
    instances.push(a, b, c);
    await Promise.all([a.start(), b.start()]);
    o.log(`started A (api, pid ${a.pid}) and B (worker, pid ${b.pid}) in ${secondsSince(started)} s`);

    const clients = await Promise.all(reps.map((r) => connectRep(r, `https://127.0.0.1:${soapA}`, caPem)));
    const replayed = signedRequest(reps[0]!);
    const firstAnswer = await postRaw(`https://127.0.0.1:${soapA}/MeterUsage`, replayed, reps[0]!, caPem);

    proxy.hold();
    const uploaded = await upload(tool, o);
    const correlationIds = (await Promise.all(clients.map((client, i) => submitReport(client, reps[i]!, o)))).flat();
    const hanRequests = (await Promise.all(clients.map((client, i) => submitHan(client, reps[i]!, o)))).flat();
    o.log(`submitted ${correlationIds.length} report requests and ${hanRequests.length} HAN requests; uploaded ${uploaded.length} files`);

    const killedWhile = await killInTheMiddle(tool, b, o);
    o.log(`killed B with SIGKILL while it held: report ${killedWhile.report}, ingest ${killedWhile.ingest}, dispatch ${killedWhile.dispatch}`);
    proxy.release();
    await Promise.all([c.start(), b.start()]);
    o.log(`started C (all, pid ${c.pid}) and restarted B (pid ${b.pid})`);
    const replayAnswer = await postRaw(`https://127.0.0.1:${soapC}/MeterUsage`, replayed, reps[0]!, caPem);

    await untilDone(tool, correlationIds, hanRequests.length, uploaded.length);
    const counts = await countAll(tool, o, correlationIds, uploaded);
    return { ...counts, replay: { firstAt: 'A', replayAt: 'C', answer: `${faultCode(firstAnswer)} then ${faultCode(replayAnswer)}` }, killedWhile, seconds: secondsSince(started) };
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    await proxy?.close();
    await tool.close();
  }
}

function secondsSince(start: number): number {
  return Math.round((Date.now() - start) / 100) / 10;
}

function faultCode(body: string): string {
  return /<code>([A-Z_]+)<\/code>/.exec(body)?.[1] ?? 'no fault';
}

/** The REPs: a client certificate from the development CA, the demo PGP key, ESI IDs with meters they serve. */
async function addReps(app: App, o: SoakOptions): Promise<Rep[]> {
  const dir = app.config.dataDir;
  const ca = { certPem: fs.readFileSync(path.join(dir, 'pki', 'ca.crt'), 'utf8'), keyPem: fs.readFileSync(path.join(dir, 'pki', 'ca.key'), 'utf8') };
  const demoRep = (await (await app.registry()).listParticipants()).find((p) => p.kind === 'REP')!;
  const registry = await app.registry();
  const credentials = await app.credentials();
  const reps: Rep[] = [];
  const esiidLines = ['esiid,tdsp_duns,meter_number'];
  const rorLines = ['esiid,rep_duns,effective_from,effective_to'];
  for (let i = 0; i < o.reps; i++) {
    const name = `Soak REP ${i + 1}`;
    const duns = `3${String(i + 1).padStart(8, '0')}`;
    const issued = await issueCertificate(ca, { commonName: `soak-rep-${i + 1}`, kind: 'client', days: 30 });
    await registry.addParticipant({ name, kind: 'REP', duns: [duns], pgpPublicKey: demoRep.pgpPublicKey });
    await credentials.registerCertificate(name, issued.certPem, 'tls');
    await credentials.setIps(name, ['127.0.0.1']);
    const esiids = Array.from({ length: o.esiidsPerRep }, (_, j) => generatedEsiid(FIRST_ESIID + i * o.esiidsPerRep + j));
    for (const [j, esiid] of esiids.entries()) {
      esiidLines.push(`${esiid},${TDSP_DUNS},S${String(i * o.esiidsPerRep + j).padStart(8, '0')}`);
      rorLines.push(`${esiid},${duns},2024-01-01,`);
    }
    reps.push({ name, duns, esiids, files: { certificatePem: issued.certPem, privateKeyPem: issued.keyPem } });
  }
  for (const [file, lines] of [['soak-esiids.csv', esiidLines], ['soak-ror.csv', rorLines]] as const) {
    const csv = path.join(dir, file);
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
    const result = await (await app.registryImport()).importCsv(csv);
    if (result.rejected.length > 0) throw new Error(`registry rows refused: ${JSON.stringify(result.rejected.slice(0, 3))}`);
  }
  return reps;
}

export interface Rep {
  name: string;
  duns: string;
  esiids: string[];
  files: { certificatePem: string; privateKeyPem: string };
}

/** The days the reports read, loaded with `smt ingest` before the instances start. */
async function preload(app: App, o: SoakOptions, env: Record<string, string>): Promise<void> {
  const dir = path.join(o.dataDir, 'preload');
  const esiids = generatedEsiids(o);
  const perDay = esiids + Math.ceil(esiids / 10); // every tenth premise also sends generation (channel 1)
  await generateLseSet({ out: dir, records: perDay * o.days, esiids, sender: TDSP_DUNS, rep: null, badPercent: 0, seed: 3, startDay: FIRST_DAY, perFile: 50_000 });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let err = '';
  try {
    const status = await runCli(['ingest', dir], { out: () => undefined, err: (t) => (err += t), isTty: false });
    if (status !== 0) throw new Error(`preload ingest failed (${status}): ${err}`);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  void app;
}

/** The TDSP's uploads: later days for the same ESI IDs, dropped into its inbound folder as the FTPS site completes an upload (an atomic rename). */
async function upload(app: App, o: SoakOptions): Promise<string[]> {
  const staging = path.join(o.dataDir, 'staging');
  const set = await generateLseSet({
    out: staging, records: o.uploadFiles * o.recordsPerFile, esiids: generatedEsiids(o), sender: TDSP_DUNS, rep: null, badPercent: 0, seed: 9,
    startDay: '2025-08-01', perFile: o.recordsPerFile, createdAt: '20250901060000',
  });
  const inbound = path.join(app.ftpsRoot, TDSP_DUNS, 'inbound');
  fs.mkdirSync(inbound, { recursive: true });
  for (const file of set.files) fs.renameSync(file, path.join(inbound, path.basename(file)));
  return set.files.map((f) => path.basename(f));
}

async function connectRep(rep: Rep, base: string, caPem: string): Promise<RepClient> {
  const agent = new https.Agent({ ca: caPem, keepAlive: true, cert: rep.files.certificatePem, key: rep.files.privateKeyPem });
  const make = async (service: string): Promise<soap.Client> => {
    const client = await soap.createClientAsync(`${base}/${service}?wsdl`, { wsdl_options: { httpsAgent: agent } });
    client.setEndpoint(`${base}/${service}`);
    client.setSecurity(new soap.WSSecurityCert(rep.files.privateKeyPem, rep.files.certificatePem, '', {
      hasTimeStamp: true, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', signerOptions: { idMode: 'wssecurity' },
    } as never));
    return client;
  };
  return { usage: await make('MeterUsage'), han: await make('HAN'), agent };
}

function postRaw(url: string, body: string, rep: Rep, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const agent = new https.Agent({ ca: caPem, cert: rep.files.certificatePem, key: rep.files.privateKeyPem });
    const req = https.request(url, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Waits until B holds a report, an uploaded file and a TDSP call at once (or 60 s), then kills it with SIGKILL. */
async function killInTheMiddle(app: App, b: ServeProcess, o: SoakOptions): Promise<SoakCounts['killedWhile']> {
  const db = await app.db();
  const mine = `%:${b.pid}%`;
  const deadline = Date.now() + 60_000;
  let state = { report: false, ingest: false, dispatch: false };
  while (Date.now() < deadline) {
    const [r] = await db.query(`SELECT count(*) AS n FROM report_request WHERE status = 'PRC' AND claimed_by LIKE $1`, [mine]);
    const [l] = await db.query(`SELECT count(*) AS n FROM job_lease WHERE name LIKE 'inbound:%' AND holder LIKE $1`, [mine]);
    const [d] = await db.query(`SELECT count(*) AS n FROM tdsp_dispatch WHERE state = 'SENDING' AND claimed_by LIKE $1`, [mine]);
    state = { report: Number(r.n) > 0, ingest: Number(l.n) > 0, dispatch: Number(d.n) > 0 };
    if (state.report && state.ingest && state.dispatch) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await b.kill();
  void o;
  return state;
}

/** Until the soak's own requests are finished (the scheduler's daily postings may queue others meanwhile). */
async function untilDone(app: App, correlationIds: string[], han: number, files: number): Promise<void> {
  const reports = correlationIds.length;
  const db = await app.db();
  const inbound = path.join(app.ftpsRoot, TDSP_DUNS, 'inbound');
  const deadline = Date.now() + 600_000;
  for (;;) {
    const [r] = await db.query(`SELECT count(*) AS n FROM report_request WHERE correlation_id = ANY($1) AND status NOT IN ('PEN', 'PRC', 'PUB')`, [correlationIds]);
    const [d] = await db.query(`SELECT count(*) AS n FROM tdsp_dispatch WHERE state IN ('PENDING', 'SENDING')`);
    const [h] = await db.query(`SELECT count(*) AS n FROM han_device WHERE status = 'Device Added'`);
    const waiting = fs.readdirSync(inbound).filter((n) => !n.startsWith('.')).length;
    if (Number(r.n) >= reports && Number(d.n) === 0 && Number(h.n) >= han && waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`the work did not finish: reports ${r.n}/${reports}, dispatches in flight ${d.n}, devices added ${h.n}/${han}, files waiting ${waiting}/${files}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function countAll(app: App, o: SoakOptions, correlationIds: string[], uploaded: string[]): Promise<Omit<SoakCounts, 'replay' | 'killedWhile' | 'seconds'>> {
  const db = await app.db();
  const requests: { status: string; attempts: number; id: number }[] = await db.query(`SELECT id, status, attempts FROM report_request WHERE correlation_id = ANY($1)`, [correlationIds]);
  // Every delivered file is the one its request recorded: a report produced twice would leave a second file in adhoc/.
  const recorded: { file_name: string; path: string }[] = await db.query(`SELECT file_name, path FROM report_file WHERE request_id = ANY($1) AND deleted_at IS NULL`, [requests.map((r) => r.id)]);
  const recordedPaths = new Set(recorded.map((f) => f.path));
  const onDisk: string[] = [];
  for (const duns of fs.readdirSync(app.ftpsRoot)) {
    const adhoc = path.join(app.ftpsRoot, duns, 'adhoc');
    if (fs.existsSync(adhoc)) onDisk.push(...fs.readdirSync(adhoc).filter((n) => !n.startsWith('.')).map((n) => path.join(adhoc, n)));
  }
  const loads: { file_name: string; status: string; n: string }[] = await db.query(`SELECT file_name, status, count(*) AS n FROM ingest_file WHERE file_name = ANY($1) GROUP BY file_name, status`, [uploaded]);
  const loadedTimes = (name: string) => Number(loads.find((l) => l.file_name === name && l.status === 'loaded')?.n ?? 0);
  const [rows] = await db.query(`SELECT count(*) AS n FROM interval_day WHERE operating_day >= '2025-08-01'`);
  const processed = new Set(fs.readdirSync(path.join(app.ftpsRoot, TDSP_DUNS, 'processed')));
  const dispatches: { state: string; n: string }[] = await db.query(`SELECT state, count(*) AS n FROM tdsp_dispatch GROUP BY state`);
  const added: { device_id: number; n: string }[] = await db.query(`SELECT device_id, count(*) AS n FROM han_device_event WHERE status = 'Device Added' GROUP BY device_id`);
  const calls = logLines(app.config.log.file, 'mock-tdsp: request').map((e) => ({ requestId: String(e.requestId), call: Number(e.call) }));
  const requestsAtTdsp = new Set(calls.map((c) => c.requestId));
  const countState = (s: string) => Number(dispatches.find((d) => d.state === s)?.n ?? 0);
  return {
    reports: {
      submitted: correlationIds.length,
      delivered: requests.filter((r) => r.status === '0').length,
      failed: requests.filter((r) => r.status !== '0').length,
      filesRecorded: recorded.length,
      filesMissing: recorded.filter((f) => !fs.existsSync(f.path)).length,
      extraFiles: onDisk.filter((p) => !recordedPaths.has(p)).length,
      staleClaimsReleased: logLines(app.config.log.file, 'report: re-queued requests whose worker stopped').reduce((n, e) => n + Number(e.requests ?? 0), 0),
      retriedAfterKill: requests.filter((r) => r.attempts > 1).length,
    },
    files: {
      uploaded: uploaded.length,
      loadedOnce: uploaded.filter((n) => loadedTimes(n) === 1 && processed.has(n)).length,
      loadedTwice: uploaded.filter((n) => loadedTimes(n) > 1).length,
      lost: uploaded.filter((n) => loadedTimes(n) === 0 || !processed.has(n)).length,
      interruptedLoads: loads.filter((l) => l.status !== 'loaded').reduce((s, l) => s + Number(l.n), 0),
      storedRows: Number(rows.n),
      expectedRows: o.uploadFiles * o.recordsPerFile,
    },
    dispatches: {
      requestsAtTdsp: requestsAtTdsp.size,
      done: countState('DONE'),
      notDone: dispatches.filter((d) => d.state !== 'DONE').reduce((s, d) => s + Number(d.n), 0),
      devicesAdded: added.length,
      addedTwice: added.filter((a) => Number(a.n) > 1).length,
      // The TDSP contract: a repeated request id is the same request (answered from the first, no second status script).
      resentAfterKill: calls.length - requestsAtTdsp.size,
    },
  };
}

/** The entries with this message in the data dir's log (every instance writes there; a line two processes' writes cut is skipped). */
function logLines(logFile: string, message: string): Record<string, unknown>[] {
  if (!fs.existsSync(logFile)) return [];
  const entries: Record<string, unknown>[] = [];
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes(`"${message}"`)) continue;
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a whole line
    }
  }
  return entries;
}
