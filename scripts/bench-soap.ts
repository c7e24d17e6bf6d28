/**
 * SOAP benchmark: signed GetUsageRequestStatus calls over mutual TLS with keep-alive against a real
 * `smt serve` (started here on a temporary data dir), at 1 and 16 concurrent clients; then one
 * SubmitUsageRequest of 50,000 ESI IDs while 16 clients keep calling.
 *   npm run bench:soap [-- --requests 2000]
 */
import https from 'node:https';
import * as soap from 'soap';
import { demoRep, esiidOf, log, pct, registerEsiids } from './lib/bench-common';
import { startPlatform } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:soap -- [options]
  --requests N  signed GetUsageRequestStatus calls at each concurrency (default 2000)
  --help, -h    this text`;

const NS = 'urn:smt-platform:meter-usage:v1';
let endpoint = '';

interface Client { cert: string; key: string }

async function main(): Promise<void> {
  const values = benchArgs('bench:soap', USAGE, { requests: { type: 'string', default: '2000' } });
  const count = Number(values.requests);
  const platform = await startPlatform();
  const dataDir = platform.dataDir;
  endpoint = `https://127.0.0.1:${platform.soapPort}/MeterUsage`;
  try {
    const rep = demoRep(dataDir, 64);
    const agent = rep.agent;
    const client: Client = { cert: rep.credentials.certificatePem, key: rep.credentials.privateKeyPem };
    registerEsiids(dataDir, 50_000, '9');
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
  const list = Array.from({ length: esiids }, (_, i) => `<esiid>${esiidOf(i, '9')}</esiid>`).join('');
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

main().catch((error) => {
  process.stderr.write(`bench:soap failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
