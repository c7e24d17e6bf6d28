import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import forge from 'node-forge';
import { SmtError, errorMessage } from '../../core/errors';
import { signSoapEnvelope, type SigningCredentials } from '../../security/ws-security.signer';
import { verifyWsSecurity } from '../../security/ws-security.verifier';
import { ESIID_DATA_KIT_FILES, HAN_KIT_FILES, KIT_FILES, SAMPLE_DIRS } from './starter-kit.files';
import { PLACEHOLDER_ID } from './starter-kit.samples';

/**
 * `smt starter-kit --verify KIT`: sends every sample request of a kit to the endpoints its WSDLs name,
 * with the kit's own credentials (mutual TLS with its keystore, each message freshly signed as the
 * README describes: the server accepts a signature once), and checks that every answer is signed by a
 * certificate of the kit's server CA. Ids a sample leaves as placeholders are taken from the answers
 * of the operations that issue them (SubmitUsageRequest's correlationId, Send…'s requestId).
 */

export interface KitCheck {
  service: 'MeterUsage' | 'EsiIdData' | 'HAN';
  operation: string;
  ok: boolean;
  /** Not sent (skipMessages): neither a success nor a failure. */
  skipped?: boolean;
  /** What the answer was (or the fault's code and message, or why nothing usable came back). */
  detail: string;
}

export interface KitVerification {
  checks: KitCheck[];
  /** Endpoint mismatches between the kit and what the platform serves. */
  warnings: string[];
}

/** The order samples are sent in, so ids flow from the operation that issues them to those that use them. */
const ORDER = ['SubmitUsageRequest', 'GetUsageRequestStatus', 'GetIntervalUsage', 'GetDailyReads', 'GetMonthlyUsage',
  'GetTradeDateIntervalData', 'GetEsiidsWithoutIntervalData', 'RequestOwnedIntervalData', 'GetDataGaps', 'GetMeterInfo',
  'ProvisionHanDevice', 'GetHanDeviceDetails', 'GetHanDeviceHistory', 'SendTextMessage', 'CancelTextMessage', 'SendLoadControlEvent',
  'CancelLoadControlEvent', 'CancelAllLoadControlEvents', 'SendPriceMessage', 'GetHanMessageLog', 'DeprovisionHanDevice'];
/** operation → [the operation whose answer holds the id, the id's element]. */
const IDS_FROM: Record<string, [string, string]> = {
  GetUsageRequestStatus: ['SubmitUsageRequest', 'correlationId'],
  CancelTextMessage: ['SendTextMessage', 'requestId'],
  CancelLoadControlEvent: ['SendLoadControlEvent', 'requestId'],
};
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface KitVerifyOptions {
  p12Password?: string;
  timeoutMs?: number;
  /** How long to wait for the TDSP to report a provisioned device (messages reach only Device Added devices); default 60 s. */
  deviceWaitMs?: number;
  /**
   * Leaves out the samples that reach customers' devices (Send… and Cancel… messages and load control events go
   * to every device in Device Added on the samples' ESI IDs): for a kit whose samples name real customers.
   */
  skipMessages?: boolean;
}

/** The HAN samples that reach devices in homes. */
const MESSAGE_OPERATIONS = new Set(['SendTextMessage', 'CancelTextMessage', 'SendLoadControlEvent', 'CancelLoadControlEvent',
  'CancelAllLoadControlEvents', 'SendPriceMessage']);

export async function verifyStarterKit(kitDir: string, options: KitVerifyOptions = {}): Promise<KitVerification> {
  const kit = readKit(kitDir, options.p12Password);
  const agent = new https.Agent({ ca: kit.caPem, cert: kit.credentials.certificatePem, key: kit.credentials.privateKeyPem, keepAlive: true });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const checks: KitCheck[] = [];
  const warnings: string[] = [];
  const answers = new Map<string, string>();
  try {
    warnings.push(...await addressMismatches(kit, agent, timeoutMs));
    const samples = listSamples(kitDir, Object.keys(kit.endpoints) as KitCheck['service'][]);
    for (const sample of samples) {
      if (options.skipMessages && MESSAGE_OPERATIONS.has(sample.operation)) {
        checks.push({ service: sample.service, operation: sample.operation, ok: true, skipped: true, detail: 'not sent: it reaches devices in homes' });
        continue;
      }
      const source = IDS_FROM[sample.operation];
      let xml = fs.readFileSync(sample.file, 'utf8');
      const issued = source ? answers.get(source[0]) && elementText(answers.get(source[0])!, source[1]) : null;
      if (issued && xml.includes(PLACEHOLDER_ID)) xml = xml.split(PLACEHOLDER_ID).join(issued);
      const check = await send(kit, agent, sample, xml, timeoutMs);
      const details = samples.find((s) => s.operation === 'GetHanDeviceDetails');
      if (sample.operation === 'ProvisionHanDevice' && check.ok && details) {
        check.detail += `; ${await untilDeviceSettles(kit, agent, details, timeoutMs, options.deviceWaitMs ?? 60_000)}`;
      }
      if (check.answer !== null) answers.set(sample.operation, check.answer);
      checks.push({ service: sample.service, operation: sample.operation, ok: check.ok, detail: check.detail });
    }
  } finally {
    agent.destroy();
  }
  return { checks, warnings };
}

/**
 * Asks the platform at each endpoint of a kit for its WSDL (mutual TLS with the kit's keystore) and
 * says where the address it serves differs from the kit's, or that nothing answered there.
 */
export async function checkKitAddresses(kitDir: string, options: { p12Password?: string; timeoutMs?: number } = {}): Promise<string[]> {
  const kit = readKit(kitDir, options.p12Password);
  const agent = new https.Agent({ ca: kit.caPem, cert: kit.credentials.certificatePem, key: kit.credentials.privateKeyPem });
  try {
    return await addressMismatches(kit, agent, options.timeoutMs ?? 5000);
  } finally {
    agent.destroy();
  }
}

async function addressMismatches(kit: Kit, agent: https.Agent, timeoutMs: number): Promise<string[]> {
  const warnings: string[] = [];
  for (const [service, endpoint] of Object.entries(kit.endpoints) as [KitCheck['service'], string][]) {
    const served = await servedAddress(endpoint, agent, timeoutMs).catch((error: unknown) => `nothing: no platform answered there (${errorMessage(error)})`);
    if (served !== endpoint) warnings.push(`${service}: the kit names ${endpoint}, the platform's WSDL at ${endpoint}?wsdl names ${served}`);
  }
  return warnings;
}

/** Provisioning is asynchronous: asks GetHanDeviceDetails (signed afresh each time) until the TDSP's status is final. */
async function untilDeviceSettles(kit: Kit, agent: https.Agent, details: Sample, timeoutMs: number, waitMs: number): Promise<string> {
  const xml = fs.readFileSync(details.file, 'utf8');
  const started = Date.now();
  let status = 'unknown';
  while (Date.now() - started < waitMs) {
    const check = await send(kit, agent, details, xml, timeoutMs);
    status = check.answer ? elementText(check.answer, 'deviceStatus') ?? status : status;
    if (!check.ok) return `GetHanDeviceDetails: ${check.detail}`;
    if (['Device Added', 'Add Rejected', 'Add Failed'].includes(status)) return `the TDSP reported ${status} after ${Math.round((Date.now() - started) / 1000)} s`;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return `the device is still ${status} after ${waitMs / 1000} s: the message samples need a device in Device Added`;
}

type Sample = { service: KitCheck['service']; operation: string; file: string };

interface Kit {
  caPem: string;
  credentials: SigningCredentials;
  endpoints: Partial<Record<KitCheck['service'], string>>;
}

function readKit(kitDir: string, password: string | undefined): Kit {
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(path.join(kitDir, file));
    } catch {
      throw new SmtError('FILE_UNREADABLE', `${path.join(kitDir, file)} is missing (${what}).`, { file });
    }
  };
  const caPem = read(KIT_FILES.serverCa, 'is this a folder smt starter-kit wrote?').toString('utf8');
  const p12 = read(KIT_FILES.keystore, 'put your PKCS#12 keystore (client certificate and key) there');
  const projectPassword = /<con:crypto>[\s\S]*?<con:password>([^<]*)<\/con:password>/.exec(read(KIT_FILES.project, 'is this a folder smt starter-kit wrote?').toString('utf8'))?.[1];
  const secret = password ?? (projectPassword ? unescapeXml(projectPassword) : undefined);
  if (secret === undefined) throw new SmtError('INPUT_INVALID', 'The kit does not hold its keystore password: pass it with --p12-password.');
  const endpoints: Kit['endpoints'] = { MeterUsage: serviceAddress(read(KIT_FILES.wsdl, 'is this a folder smt starter-kit wrote?').toString('utf8')) };
  // Kits written before EsiIdData existed have no copy of its contract: they are verified without it.
  if (fs.existsSync(path.join(kitDir, ESIID_DATA_KIT_FILES.wsdl))) endpoints.EsiIdData = serviceAddress(read(ESIID_DATA_KIT_FILES.wsdl, '').toString('utf8'));
  if (fs.existsSync(path.join(kitDir, HAN_KIT_FILES.wsdl))) endpoints.HAN = serviceAddress(read(HAN_KIT_FILES.wsdl, '').toString('utf8'));
  return { caPem, credentials: openKeystore(p12, secret), endpoints };
}

function openKeystore(p12: Buffer, password: string): SigningCredentials {
  let keystore: forge.pkcs12.Pkcs12Pfx;
  try {
    keystore = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), password);
  } catch {
    throw new SmtError('INPUT_INVALID', `The kit's ${KIT_FILES.keystore} does not open with that password.`);
  }
  const bag = (type: string) => keystore.getBags({ bagType: type })[type]?.[0];
  const key = bag(forge.pki.oids.pkcs8ShroudedKeyBag)?.key;
  const cert = bag(forge.pki.oids.certBag)?.cert;
  if (!key || !cert) throw new SmtError('INPUT_INVALID', `The kit's ${KIT_FILES.keystore} holds no private key and certificate.`);
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: forge.pki.privateKeyToPem(key) };
}

function listSamples(kitDir: string, services: KitCheck['service'][]): Sample[] {
  const rank = (operation: string) => (ORDER.includes(operation) ? ORDER.indexOf(operation) : ORDER.length);
  return services.flatMap((service) => {
    const dir = path.join(kitDir, SAMPLE_DIRS[service]);
    return fs.readdirSync(dir).filter((f) => f.endsWith('.xml')).map((f) => ({ service, operation: f.slice(0, -4), file: path.join(dir, f) }));
  }).sort((a, b) => rank(a.operation) - rank(b.operation) || a.operation.localeCompare(b.operation));
}

async function send(kit: Kit, agent: https.Agent, sample: { service: KitCheck['service']; operation: string }, xml: string, timeoutMs: number)
  : Promise<{ ok: boolean; detail: string; answer: string | null }> {
  const prefix = /<\w+:Body>\s*(?:<!--[\s\S]*?-->\s*)*<(\w+):/.exec(xml)?.[1];
  const namespace = prefix ? new RegExp(`xmlns:${prefix}="([^"]+)"`).exec(xml)?.[1] : undefined;
  let signed: string;
  try {
    signed = signSoapEnvelope(xml, kit.credentials, new Date());
  } catch (error) {
    return { ok: false, detail: `cannot sign the sample: ${errorMessage(error)}`, answer: null };
  }
  let reply: { status: number; body: string };
  try {
    reply = await post(kit.endpoints[sample.service]!, agent, `"${namespace ?? ''}/${sample.operation}"`, signed, timeoutMs);
  } catch (error) {
    return { ok: false, detail: errorMessage(error), answer: null };
  }
  const trusted = answerSignature(reply.body, kit.caPem);
  if (trusted !== null) return { ok: false, detail: `HTTP ${reply.status}, answer not trusted: ${trusted}`, answer: null };
  if (reply.status === 200) return { ok: true, detail: 'answered, answer signed by the server', answer: reply.body };
  const code = elementText(reply.body, 'code');
  const text = elementText(reply.body, 'message') ?? elementText(reply.body, 'faultstring');
  return { ok: false, detail: `fault ${code ?? `HTTP ${reply.status}`}: ${text ?? reply.body.slice(0, 200)}`, answer: reply.body };
}

/** null when the answer is signed by a certificate the kit's CA issued; else why not. */
function answerSignature(body: string, caPem: string): string | null {
  const token = /<(?:\w+:)?BinarySecurityToken[^>]*>([^<]+)</.exec(body)?.[1];
  if (!token) return 'it is not signed';
  try {
    const certificate = new X509Certificate(Buffer.from(token.replace(/\s+/g, ''), 'base64'));
    const ca = new X509Certificate(caPem);
    if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return `it is signed by ${certificate.subject.replace(/\n/g, ', ')}, not issued by the kit's CA`;
    verifyWsSecurity(body, { trustedCertificatesPem: [certificate.toString()], now: new Date() });
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

function servedAddress(endpoint: string, agent: https.Agent, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(`${endpoint}?wsdl`, { agent, timeout: timeoutMs }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => (response.statusCode === 200 ? resolve(serviceAddress(text)) : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

function post(url: string, agent: https.Agent, soapAction: string, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: soapAction } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new Error(`cannot reach ${url}: ${errorMessage(error)}`)));
    request.end(body);
  });
}

function serviceAddress(wsdl: string): string {
  const location = /<(?:\w+:)?address\s+location="([^"]+)"/.exec(wsdl)?.[1];
  if (!location) throw new SmtError('INPUT_INVALID', 'a WSDL of the kit names no service address');
  return unescapeXml(location);
}

function elementText(xml: string, name: string): string | null {
  const match = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</`).exec(xml);
  return match ? unescapeXml(match[1]!) : null;
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
