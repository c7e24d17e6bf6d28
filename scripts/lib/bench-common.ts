/**
 * What the benchmarks against a running platform share: ESI IDs registered to the demo REP (with
 * meters for HAN), the demo REP's TLS agent and keys, signed calls to the HAN service, percentiles,
 * and a look at the platform's log.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { readReply, type SoapReply } from '../../src/tdsp/soap-message';
import { smtBin } from './platform-process';

export const HAN_NS = 'urn:smt-platform:han:v1';
export const REP_DUNS = '200000001';

/** HAN benchmarks' ESI IDs start with 7, MeterUsage's with 9, so the two never meet. */
export const esiidOf = (i: number, prefix = '7') => `${prefix}${String(i).padStart(16, '0')}`;
export const meterOf = (i: number) => `B${String(i).padStart(7, '0')}`;
export const macOf = (i: number) => `00124B${i.toString(16).toUpperCase().padStart(10, '0')}`;

/** ESI IDs with a meter each (HAN devices need one), all with the demo REP as REP of record. */
export function registerEsiids(dataDir: string, count: number, prefix = '7'): void {
  const ids = Array.from({ length: count }, (_, i) => i);
  fs.writeFileSync(path.join(dataDir, 'esiids.csv'), `esiid,tdsp_duns,meter_number\n${ids.map((i) => `${esiidOf(i, prefix)},100000001,${meterOf(i)}`).join('\n')}\n`);
  fs.writeFileSync(path.join(dataDir, 'ror.csv'), `esiid,rep_duns,effective_from,effective_to\n${ids.map((i) => `${esiidOf(i, prefix)},${REP_DUNS},2024-01-01,`).join('\n')}\n`);
  const run = spawnSync(process.execPath, [smtBin(), 'registry', 'import', path.join(dataDir, 'esiids.csv'), path.join(dataDir, 'ror.csv')],
    { env: { ...process.env, SMT_DATA_DIR: dataDir }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`registry import failed: ${run.stderr}`);
}

/** The demo REP's TLS agent (mutual TLS) and its signing certificate and key. */
export function demoRep(dataDir: string, maxSockets: number): { agent: https.Agent; credentials: { certificatePem: string; privateKeyPem: string } } {
  const demo = path.join(dataDir, 'demo', 'demo-rep');
  const credentials = { certificatePem: read(path.join(demo, 'client.crt')), privateKeyPem: read(path.join(demo, 'client.key')) };
  const agent = new https.Agent({ cert: credentials.certificatePem, key: credentials.privateKeyPem, ca: read(path.join(dataDir, 'pki', 'ca.crt')), keepAlive: true, maxSockets });
  return { agent, credentials };
}

/** Posts a signed envelope; anything but an answer stops the bench, so no figure is taken from a refusal. */
export function postSigned(url: string, agent: https.Agent, operation: string, envelope: string): Promise<{ reply: Extract<SoapReply, { kind: 'answer' }>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${HAN_NS}/${operation}"` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const reply = readReply(body);
        if (res.statusCode === 200 && reply?.kind === 'answer') resolve({ reply, body });
        else reject(new Error(`${operation} answered HTTP ${res.statusCode}: ${body.slice(0, 500)}`));
      });
    });
    req.on('error', reject);
    req.end(envelope);
  });
}

/** Warnings and errors in the platform's log mean a figure may hide retries; the whole log is kept on request. */
export function reportLog(file: string, saveTo: string | undefined): void {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => /"level":"(warn|error)"/.test(l));
  log(`platform log: ${lines.length} warnings/errors${lines.length > 0 ? `, first: ${lines[0].slice(0, 300)}` : ''}`);
  if (saveTo) fs.copyFileSync(file, saveTo);
}

export function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

export function pct(values: number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return String(Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]));
}

export function log(text: string): void {
  process.stdout.write(`${text}\n`);
}
