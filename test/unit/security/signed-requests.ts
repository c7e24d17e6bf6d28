import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as soap from 'soap';
import { runTool } from '../../support/run-tool';
import type { TestIdentity } from './test-certificates';

/** Signed SOAP requests made the way real clients make them: node-soap's WSSecurityCert and xmlsec1. */
export const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

export const SAMPLE_BODY =
  '<GetUsageRequestStatus xmlns="urn:smt:meterusage"><trans_id>T-1</trans_id><requestorID>REP1</requestorID>' +
  '<correlationId>C-42</correlationId></GetUsageRequestStatus>';

/**
 * Attributes p0:a, p1:a and p10:a whose namespace URIs sort (urn:x < urn:x- < urn:x-y, so p1, p0,
 * p10) unlike their qualified names (p0:a < p10:a < p1:a), and unlike URI and local name run together
 * (`urn:x-a` < `urn:x-ya` < `urn:xa`, which is what xml-crypto compared). Prefixes B and a, whose
 * declarations sort B before a by code point but a before B by localeCompare. Exclusive XML
 * Canonicalization wants unqualified attributes first, then namespace URI, then local name, and
 * declarations by prefix, all by code point.
 */
export const MIXED_NAMESPACES = ' xmlns:p0="urn:x-" xmlns:p1="urn:x" xmlns:p10="urn:x-y" xmlns:B="urn:upper" xmlns:a="urn:lower"';
export const MIXED_ATTRIBUTES = ' p10:a="ten" z="plain" p0:a="zero" B:k="upper" a:k="lower" p1:a="one"';

export function envelope(body = SAMPLE_BODY, header = ''): string {
  return `<soap:Envelope xmlns:soap="${SOAP}"><soap:Header>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** node-soap's client-side signer, as a REP using node-soap would configure it. Created is the real clock. */
export function signWithNodeSoap(identity: TestIdentity, xml = envelope(), sha1 = false): string {
  const security = new soap.WSSecurityCert(identity.privateKeyPem, identity.certificatePem, '', {
    hasTimeStamp: true,
    signatureAlgorithm: sha1 ? RSA_SHA1 : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digestAlgorithm: sha1 ? SHA1 : 'http://www.w3.org/2001/04/xmlenc#sha256',
    signerOptions: { idMode: 'wssecurity' },
  } as never);
  return security.postProcess(xml, 'soap');
}

export interface XmlsecRequest {
  created: Date;
  expires: Date;
  /** Which elements the signature covers; default both. */
  covers?: Array<'body' | 'timestamp'>;
  body?: string;
  /** More namespace declarations on the Envelope, such as a prefix the body uses. */
  envelopeNamespaces?: string;
  /** An exc-c14n InclusiveNamespaces PrefixList for SignedInfo and every reference. */
  prefixList?: string;
}

function iso(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** A request signed by xmlsec1 (an independent XML-DSig implementation) from a template. */
export async function signWithXmlsec(identity: TestIdentity, request: XmlsecRequest): Promise<string> {
  const covers = request.covers ?? ['body', 'timestamp'];
  const token = identity.certificatePem.replace(/-----[^-]+-----|\s/g, '');
  const c14nParameters = request.prefixList ? `<ec:InclusiveNamespaces xmlns:ec="${EXC_C14N}" PrefixList="${request.prefixList}"/>` : '';
  const reference = (id: string) =>
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${EXC_C14N}">${c14nParameters}</ds:Transform></ds:Transforms>` +
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>';
  const template =
    `<soap:Envelope xmlns:soap="${SOAP}" xmlns:wsu="${WSU}" xmlns:wsse="${WSSE}"${request.envelopeNamespaces ?? ''}><soap:Header><wsse:Security soap:mustUnderstand="1">` +
    `<wsu:Timestamp wsu:Id="ts-1"><wsu:Created>${iso(request.created)}</wsu:Created><wsu:Expires>${iso(request.expires)}</wsu:Expires></wsu:Timestamp>` +
    `<wsse:BinarySecurityToken EncodingType="${BASE64}" ValueType="${X509V3}" wsu:Id="token-1">${token}</wsse:BinarySecurityToken>` +
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
    `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}">${c14nParameters}</ds:CanonicalizationMethod>` +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    (covers.includes('body') ? reference('body-1') : '') +
    (covers.includes('timestamp') ? reference('ts-1') : '') +
    '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><wsse:SecurityTokenReference>' +
    `<wsse:Reference URI="#token-1" ValueType="${X509V3}"/></wsse:SecurityTokenReference></ds:KeyInfo></ds:Signature>` +
    `</wsse:Security></soap:Header><soap:Body wsu:Id="body-1">${request.body ?? SAMPLE_BODY}</soap:Body></soap:Envelope>`;
  return withFiles({ 'template.xml': template, 'key.pem': identity.privateKeyPem }, async (dir) => {
    const out = await runTool('xmlsec1', ['--sign', '--privkey-pem', path.join(dir, 'key.pem'), ...ID_ATTRIBUTES, path.join(dir, 'template.xml')]);
    return out.toString('utf8');
  });
}

const ID_ATTRIBUTES = ['--id-attr:Id', `${SOAP}:Body`, '--id-attr:Id', `${WSU}:Timestamp`];

/** Verifies with xmlsec1 using the given certificate's key; resolves to xmlsec1's report. */
export async function verifyWithXmlsec(xml: string, certificatePem: string): Promise<string> {
  return withFiles({ 'signed.xml': xml, 'cert.pem': certificatePem }, async (dir) => {
    const args = ['--verify', '--pubkey-cert-pem', path.join(dir, 'cert.pem'), ...ID_ATTRIBUTES, path.join(dir, 'signed.xml')];
    return (await runTool('xmlsec1', args)).toString('utf8');
  });
}

async function withFiles<T>(files: Record<string, string>, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'smt-wss-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
