/**
 * HAN messaging benchmark: one load control event to N ESI IDs (one device each) through a signed
 * SendLoadControlEvent over mutual TLS against a real `smt serve` (started here on a temporary data
 * dir) whose mock TDSP reports ACK, STR and CON at once; prints the time until every entry of the
 * messaging log is CON, and the dispatch rate.
 *   npm run bench:han-messages [-- --esiids 10000 --save-log han.log]
 * The devices are written straight into the platform's database as Device Added (setup, not timed):
 * provisioning 10,000 devices is what bench:han measures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WsSecurityPool } from '../src/security/ws-security.pool';
import { requestEnvelope } from '../src/tdsp/soap-message';
import { demoRep, esiidOf, HAN_NS, log, macOf, meterOf, pct, postSigned, registerEsiids, REP_DUNS, reportLog } from './lib/bench-common';
import { startPlatform } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:han-messages -- [options]
  --esiids N        ESI IDs (one device each) the load control event goes to (default 10000)
  --timeout-s S     give up waiting for every log entry to be CON after S seconds (default 300)
  --save-log FILE   keep the platform's whole log in FILE (default: only its warnings and errors are printed)
  --help, -h    this text`;

const BEHAVIOUR = { messages: { statuses: [{ code: 'ACK', delayMs: 0 }, { code: 'STR', delayMs: 0 }, { code: 'CON', delayMs: 0 }] } };

async function main(): Promise<void> {
  const values = benchArgs('bench:han-messages', USAGE, { esiids: { type: 'string', default: '10000' }, 'timeout-s': { type: 'string', default: '300' }, 'save-log': { type: 'string' } });
  const count = Number(values.esiids);
  const behaviourDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-han-messages-'));
  fs.writeFileSync(path.join(behaviourDir, 'behaviour.json'), JSON.stringify(BEHAVIOUR));
  const platform = await startPlatform({ SMT_MOCK_TDSP_BEHAVIOUR: path.join(behaviourDir, 'behaviour.json') });
  const security = new WsSecurityPool();
  try {
    registerEsiids(platform.dataDir, count);
    addDevices(path.join(platform.dataDir, 'smt.sqlite'), count);
    const rep = demoRep(platform.dataDir, 1);
    const event = {
      trans_id: 'bench-lce', requestorID: 'bench', requesterAuthenticationID: REP_DUNS, esiid: Array.from({ length: count }, (_, i) => esiidOf(i)),
      deviceClass: 1, durationMinutes: 60, criticality: 3, averageLoadAdjustmentPercentage: -20, randomizeStart: true,
    };
    const envelope = await security.sign(requestEnvelope(HAN_NS, 'SendLoadControlEvent', event), rep.credentials, new Date());
    log(`signed a SendLoadControlEvent of ${count} ESI IDs (${(envelope.length / 1e6).toFixed(2)} MB; client side, not timed)`);

    const started = Date.now();
    const { reply } = await postSigned(`https://127.0.0.1:${platform.soapPort}/HAN`, rep.agent, 'SendLoadControlEvent', envelope);
    const answered = Date.now() - started;
    const requestId = String(reply.fields.requestId);
    log(`answered in ${answered} ms: request ${requestId}, ${reply.fields.esiidsDispatched} ESI IDs dispatched`);

    const db = new Database(path.join(platform.dataDir, 'smt.sqlite'), { readonly: true });
    const confirmed = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM han_message_status WHERE request_id = ? AND status_code = 'CON'");
    const deadline = Date.now() + Number(values['timeout-s']) * 1000;
    let n = 0;
    while ((n = confirmed.get(requestId)!.n) < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const allConfirmed = Date.now() - started;
    const dispatches = db.prepare<[string], { updated_at: string }>("SELECT updated_at FROM tdsp_dispatch WHERE request_id = ? AND state = 'DONE'").all(requestId);
    const lastDispatch = Math.max(...dispatches.map((d) => Date.parse(d.updated_at))) - started;
    const con = db.prepare<[string], { recorded_at: string }>("SELECT recorded_at FROM han_message_status WHERE request_id = ? AND status_code = 'CON'").all(requestId).map((r) => Date.parse(r.recorded_at) - started);
    db.close();
    if (n < count) log(`gave up waiting: ${n}/${count} entries are CON`);
    log(`RESULT han-messages: ${count} ESI IDs, answer ${answered} ms; all ${n} CON after ${(allConfirmed / 1000).toFixed(2)} s `
      + `(CON recorded p50 ${pct(con, 50)} ms, p99 ${pct(con, 99)} ms); dispatched ${dispatches.length} in ${(lastDispatch / 1000).toFixed(2)} s, `
      + `${Math.round(dispatches.length / (lastDispatch / 1000))} ESI IDs/s`);
    reportLog(path.join(platform.dataDir, 'logs', 'smt.log'), values['save-log']);
  } finally {
    await security.close();
    await platform.stop();
    fs.rmSync(behaviourDir, { recursive: true, force: true });
  }
}

/** One device in Device Added status per ESI ID, with its history line, as if provisioned. */
function addDevices(file: string, count: number): void {
  const db = new Database(file);
  db.pragma('busy_timeout = 30000');
  const at = new Date().toISOString();
  const device = db.prepare(`INSERT INTO han_device (esiid, mac, rep_duns, meter_number, install_code_masked, description, status, status_at, add_request_id, remove_request_id, updated_at)
    VALUES (?, ?, ?, ?, '************0000', NULL, 'Device Added', ?, NULL, NULL, ?)`);
  db.transaction(() => {
    for (let i = 0; i < count; i++) device.run(esiidOf(i), macOf(i), REP_DUNS, meterOf(i), at, at);
  })();
  db.close();
}

main().catch((error) => {
  process.stderr.write(`bench:han-messages failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
