/**
 * HAN benchmark: provisions one HAN device on each of N ESI IDs through signed ProvisionHanDevice calls
 * over mutual TLS against a real `smt serve` (started here on a temporary data dir) whose mock TDSP
 * reports Add Pending, Meter Ready and Device Added at once; prints the request rate and the time from
 * each call to its Device Added event, and where that time went.
 *   npm run bench:han [-- --devices 1000 --concurrency 8 --log-level info --save-log han.log]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { appendInstallCodeCrc } from '../src/han/install-code';
import { WsSecurityPool } from '../src/security/ws-security.pool';
import { requestEnvelope } from '../src/tdsp/soap-message';
import { demoRep, esiidOf, HAN_NS, log, macOf, meterOf, pct, postSigned, read, registerEsiids, REP_DUNS, reportLog } from './lib/bench-common';
import { startPlatform } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:han -- [options]
  --devices N       HAN devices provisioned, one per ESI ID (default 1000)
  --concurrency C   signed ProvisionHanDevice calls in flight at once (default 8)
  --timeout-s S     give up waiting for every Device Added after S seconds (default 300)
  --log-level L     the platform's SMT_LOG_LEVEL (default: the platform's own, info)
  --save-log FILE   keep the platform's whole log in FILE (default: only its warnings and errors are printed)
  --help, -h    this text`;
const BEHAVIOUR = { provisioning: [{ status: 'Add Pending', delayMs: 0 }, { status: 'Meter Ready', delayMs: 0 }, { status: 'Device Added', delayMs: 0 }] };
const STAGES = ['Add Acknowledged', 'dispatched', 'Add Pending', 'Meter Ready', 'Device Added'] as const;
type Stage = (typeof STAGES)[number];
/** The steps shown: the dispatch is finished after the TDSP's answer, which may come after its first callback. */
const STEPS: [Stage | 'sent', Stage][] = [['sent', 'Add Acknowledged'], ['Add Acknowledged', 'dispatched'], ['Add Acknowledged', 'Add Pending'], ['Add Pending', 'Meter Ready'], ['Meter Ready', 'Device Added']];

interface Sent { requestId: string; sentAt: number; answeredAt: number; body: string }

async function main(): Promise<void> {
  const values = benchArgs('bench:han', USAGE, {
    devices: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '8' }, 'timeout-s': { type: 'string', default: '300' },
    'log-level': { type: 'string' }, 'save-log': { type: 'string' },
  });
  const count = Number(values.devices);
  const concurrency = Number(values.concurrency);
  const behaviourDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-han-'));
  fs.writeFileSync(path.join(behaviourDir, 'behaviour.json'), JSON.stringify(BEHAVIOUR));
  const platform = await startPlatform({
    SMT_MOCK_TDSP_BEHAVIOUR: path.join(behaviourDir, 'behaviour.json'), ...(values['log-level'] ? { SMT_LOG_LEVEL: values['log-level'] } : {}),
  });
  const { dataDir } = platform;
  const security = new WsSecurityPool();
  try {
    const { agent, credentials: rep } = demoRep(dataDir, concurrency);
    registerEsiids(dataDir, count);
    let t = Date.now();
    // Signed before the timed phase (as bench:soap does), so the bench's own signing takes no CPU from the platform.
    const messages = await Promise.all(Array.from({ length: count }, (_, i) => security.sign(requestEnvelope(HAN_NS, 'ProvisionHanDevice', provisionMessage(i)), rep, new Date())));
    log(`signed ${count} ProvisionHanDevice requests in ${((Date.now() - t) / 1000).toFixed(1)} s (client side, not timed below)`);

    const url = `https://127.0.0.1:${platform.soapPort}/HAN`;
    const sent: Sent[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < messages.length) sent.push(await provision(url, agent, messages[next++]));
    }));
    const sendSeconds = (Date.now() - started) / 1000;
    log(`RESULT han provisioning: ${count} requests at ${concurrency} clients in ${sendSeconds.toFixed(1)} s, ${Math.round(count / sendSeconds)} requests/s; `
      + `answer p50 ${pct(sent.map((s) => s.answeredAt - s.sentAt), 50)} ms, p99 ${pct(sent.map((s) => s.answeredAt - s.sentAt), 99)} ms`);

    const db = new Database(path.join(dataDir, 'smt.sqlite'), { readonly: true });
    const stages = await waitForDeviceAdded(db, sent, Date.now() + Number(values['timeout-s']) * 1000);
    db.close();
    const done = sent.filter((s) => stages.get(s.requestId)?.['Device Added'] !== undefined);
    const endToEnd = done.map((s) => stages.get(s.requestId)!['Device Added']! - s.sentAt);
    const lastAdded = Math.max(started, ...done.map((s) => stages.get(s.requestId)!['Device Added']!));
    log(`RESULT han ProvisionHanDevice to Device Added: ${done.length}/${count} devices, p50 ${pct(endToEnd, 50)} ms, p99 ${pct(endToEnd, 99)} ms, `
      + `max ${pct(endToEnd, 100)} ms; ${(done.length / Math.max(0.001, (lastAdded - started) / 1000)).toFixed(1)} devices/s overall`);
    log(`RESULT han stages (p50 / p99 ms): ${stageBreakdown(sent, stages)}`);

    t = Date.now();
    const serverCert = read(path.join(dataDir, 'pki', 'server.crt'));
    for (const s of sent) await security.verify(s.body, { trustedCertificatesPem: [serverCert], now: new Date() });
    log(`verified the platform's signature on all ${sent.length} answers in ${((Date.now() - t) / 1000).toFixed(1)} s (after the timed phase)`);
    reportLog(path.join(dataDir, 'logs', 'smt.log'), values['save-log']);
  } finally {
    await security.close();
    await platform.stop();
    fs.rmSync(behaviourDir, { recursive: true, force: true });
  }
}

function provisionMessage(i: number) {
  return {
    trans_id: `H-${i}`, requestorID: 'bench', requesterAuthenticationID: REP_DUNS, esiid: esiidOf(i), meterNumber: meterOf(i),
    macAddress: macOf(i), installCode: appendInstallCodeCrc(randomBytes(8).toString('hex').toUpperCase()),
  };
}

/** One call, timed; anything but Add Acknowledged with a request id stops the bench. */
async function provision(url: string, agent: https.Agent, envelope: string): Promise<Sent> {
  const sentAt = Date.now();
  const { reply, body } = await postSigned(url, agent, 'ProvisionHanDevice', envelope);
  if (reply.fields.deviceStatus !== 'Add Acknowledged' || !reply.fields.requestId) throw new Error(`ProvisionHanDevice answered ${body.slice(0, 500)}`);
  return { requestId: String(reply.fields.requestId), sentAt, answeredAt: Date.now(), body };
}

type StageTimes = Partial<Record<Stage, number>>;

/** Polls the platform's database (read-only) until every request has its Device Added event, or the deadline. */
async function waitForDeviceAdded(db: Database.Database, sent: Sent[], deadline: number): Promise<Map<string, StageTimes>> {
  const ours = new Set(sent.map((s) => s.requestId));
  const added = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM han_device_event WHERE status = 'Device Added'");
  let arrived = 0;
  while ((arrived = added.get()!.n) < sent.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  if (arrived < sent.length) log(`gave up waiting: ${arrived}/${sent.length} devices reached Device Added`);
  const stages = new Map<string, StageTimes>();
  const at = (requestId: string) => stages.get(requestId) ?? stages.set(requestId, {}).get(requestId)!;
  for (const e of db.prepare<[], { request_id: string; status: string; recorded_at: string }>('SELECT request_id, status, recorded_at FROM han_device_event').all()) {
    if (ours.has(e.request_id) && (STAGES as readonly string[]).includes(e.status)) at(e.request_id)[e.status as Stage] = Date.parse(e.recorded_at);
  }
  for (const d of db.prepare<[], { request_id: string; state: string; updated_at: string }>('SELECT request_id, state, updated_at FROM tdsp_dispatch').all()) {
    if (ours.has(d.request_id) && d.state === 'DONE') at(d.request_id).dispatched = Date.parse(d.updated_at);
  }
  return stages;
}

/** The p50 / p99 of each step, from the client's send time and the platform's recorded times. */
function stageBreakdown(sent: Sent[], stages: Map<string, StageTimes>): string {
  return STEPS.map(([from, to]) => {
    const gaps = sent.flatMap((s) => {
      const times = stages.get(s.requestId) ?? {};
      const start = from === 'sent' ? s.sentAt : times[from];
      return start === undefined || times[to] === undefined ? [] : [times[to]! - start];
    });
    return `${from} → ${to} ${pct(gaps, 50)} / ${pct(gaps, 99)}`;
  }).join('; ');
}

main().catch((error) => {
  process.stderr.write(`bench:han failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
