/**
 * SOAP benchmark: signed GetUsageRequestStatus calls over mutual TLS with keep-alive against a real
 * `smt serve` (started here on a temporary data dir), at 1 and 16 concurrent clients; then one
 * SubmitUsageRequest of 50,000 ESI IDs while 16 clients keep calling.
 *   npm run bench:soap [-- --requests 2000]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as soap from 'soap';
import { smtBin, startPlatform } from './lib/platform-process';

const NS = 'urn:smt-platform:meter-usage:v1';
let endpoint = '';

interface Client { cert: string; key: string; ca: string }

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' } } });
  const count = Number(values.requests);
  const platform = await startPlatform();
  const dataDir = platform.dataDir;
  endpoint = `https://127.0.0.1:${platform.soapPort}/MeterUsage`;
  try {
    const demo = path.join(dataDir, 'demo', 'demo-rep');
    const client: Client = { cert: read(path.join(demo, 'client.crt')), key: read(path.join(demo, 'client.key')), ca: read(path.join(dataDir, 'pki', 'ca.crt')) };
    const agent = new https.Agent({ cert: client.cert, key: client.key, ca: client.ca, keepAlive: true, maxSockets: 64 });
    registerEsiids(dataDir, 50_000);
    const correlationId = await submitOne(client, agent);
    let t = Date.now();
    const messages = Array.from({ length: count * 2 }, (_, i) => sign(client, statusBody(i, correlationId)));
    log(`signed ${messages.length} requests in ${((Date.now() - t) / 1000).toFixed(1)} s (client side, not timed below)`);
    for (const concurrency of [1, 16]) {
      const batch = messages.splice(0, count);
      t = Date.now();
      const latencies = await fire(batch, concurrency, agent);
      const seconds = (Date.now() - t) / 1000;
      log(`RESULT soap ${concurrency} client(s): ${Math.round(batch.length / seconds)} requests/s, p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms`);
    }
    const big = sign(client, submitBody(50_000));
    log(`signed a 50,000-ESI-ID SubmitUsageRequest (${(big.length / 1e6).toFixed(1)} MB)`);
    const small = Array.from({ length: 400 }, (_, i) => sign(client, statusBody(100_000 + i, correlationId)));
    t = Date.now();
    const bigDone = post(big, agent, true).then(() => Date.now() - t);
    const latencies = await fire(small, 16, agent);
    log(`RESULT soap 50,000-ESI-ID submit answered in ${((await bigDone) / 1000).toFixed(2)} s; concurrent small requests p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms`);
  } finally {
    await platform.stop();
  }
}

/** Registers the ESI IDs of the big request to the demo REP, so it is answered as a REP's real request would be. */
function registerEsiids(dataDir: string, count: number): void {
  const ids = Array.from({ length: count }, (_, i) => esiidOf(i));
  fs.writeFileSync(path.join(dataDir, 'esiids.csv'), `esiid,tdsp_duns\n${ids.map((id) => `${id},100000001`).join('\n')}\n`);
  fs.writeFileSync(path.join(dataDir, 'ror.csv'), `esiid,rep_duns,effective_from,effective_to\n${ids.map((id) => `${id},200000001,2024-01-01,`).join('\n')}\n`);
  const run = spawnSync(process.execPath, [smtBin(), 'registry', 'import', path.join(dataDir, 'esiids.csv'), path.join(dataDir, 'ror.csv')],
    { env: { ...process.env, SMT_DATA_DIR: dataDir }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`registry import failed: ${run.stderr}`);
}

function esiidOf(i: number): string {
  return `9${String(i).padStart(16, '0')}`;
}

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

function statusBody(i: number, correlationId: string): string {
  return `<GetUsageRequestStatus xmlns="${NS}"><trans_id>B-${i}</trans_id><requestorID>bench</requestorID><correlationId>${correlationId}</correlationId></GetUsageRequestStatus>`;
}

/** A real request whose status the timed calls ask for, so they are answered, not refused. */
async function submitOne(client: Client, agent: https.Agent): Promise<string> {
  const answer = await new Promise<string>((resolve, reject) => {
    const req = https.request(endpoint, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(sign(client, submitBody(1)));
  });
  const id = /correlationId>([0-9a-f-]{36})</.exec(answer)?.[1];
  if (!id) throw new Error(`SubmitUsageRequest was refused: ${answer.slice(0, 500)}`);
  return id;
}

function submitBody(esiids: number): string {
  const list = Array.from({ length: esiids }, (_, i) => `<esiid>${esiidOf(i)}</esiid>`).join('');
  return `<SubmitUsageRequest xmlns="${NS}"><trans_id>BIG</trans_id><requestorID>bench</requestorID><requesterType>ROR</requesterType>`
    + '<requesterAuthenticationID>200000001</requesterAuthenticationID><reportType>DAILY</reportType>'
    + `<startDate>07/01/2025</startDate><endDate>07/01/2025</endDate>${list}</SubmitUsageRequest>`;
}

function sign(client: Client, body: string): string {
  const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
  const security = new soap.WSSecurityCert(client.key, client.cert, '', {
    hasTimeStamp: true, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', signerOptions: { idMode: 'wssecurity' },
  } as never);
  return security.postProcess(xml, 'soap');
}

/** Latency in ms; `mustSucceed` rejects a fault, so a figure is never taken from a refusal. */
function post(body: string, agent: https.Agent, mustSucceed = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = https.request(endpoint, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
      res.resume();
      res.on('end', () => {
        const ok = res.statusCode === 200 || (!mustSucceed && res.statusCode === 500);
        if (ok) resolve(Number(process.hrtime.bigint() - started) / 1e6);
        else reject(new Error(`HTTP ${res.statusCode}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function fire(messages: string[], concurrency: number, agent: https.Agent): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < messages.length) latencies.push(await post(messages[next++], agent, true));
  }));
  return latencies;
}

function pct(values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:soap failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
