import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { SmtError, errorMessage } from '../core/errors';
import { ExclusiveC14n } from './ws-security.c14n';
import { formatTimestamp } from './ws-security.timestamp';
import {
  BASE64_ENCODING,
  EXC_C14N,
  RSA_SHA256,
  SHA256,
  SOAP11_NS,
  WSSE_NS,
  WSU_NS,
  X509V3_TOKEN,
  XMLNS_NS,
  certificateDer,
  childElements,
  isElement,
  parseXml,
} from './ws-security.xml';

export interface SigningCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

const MAX_CACHED_KEYS = 100;
const keys = new Map<string, KeyObject>();

function privateKey(pem: string): KeyObject {
  let key = keys.get(pem);
  if (key === undefined) {
    key = createPrivateKey(pem);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(pem, key);
  }
  return key;
}

/**
 * Signs a SOAP 1.1 envelope (a response as node-soap produced it) the way WS-Security 1.0 clients
 * expect: a wsse:Security header (mustUnderstand) with a Timestamp, the certificate as a
 * BinarySecurityToken, and an exc-c14n / rsa-sha256 / sha256 signature over Body and Timestamp whose
 * KeyInfo points to the token. node-soap's own unsigned Security header is replaced, and every id is
 * a fresh `id-<uuid>` so nothing collides with ids already in the message.
 */
export function signSoapEnvelope(xml: string, credentials: SigningCredentials, now: Date, ttlSeconds = 300): string {
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (error) {
    throw new SmtError('INTERNAL', `cannot sign a malformed envelope: ${errorMessage(error).slice(0, 120)}`);
  }
  const envelope = doc.documentElement;
  if (!envelope || !isElement(envelope, SOAP11_NS, 'Envelope')) throw new SmtError('INTERNAL', 'cannot sign: not a SOAP 1.1 Envelope');
  const body = childElements(envelope, SOAP11_NS, 'Body')[0];
  if (!body) throw new SmtError('INTERNAL', 'cannot sign: the Envelope has no Body');

  const ids = { body: newId(), timestamp: newId(), token: newId() };
  const header = headerOf(doc, envelope, body);
  for (const stale of childElements(header, WSSE_NS, 'Security')) header.removeChild(stale);
  header.insertBefore(securityHeader(doc, envelope, credentials, now, ttlSeconds, ids), header.firstChild);
  for (const attribute of Array.from(body.attributes)) {
    if (attribute.localName === 'Id') body.removeAttributeNode(attribute);
  }
  body.setAttributeNS(XMLNS_NS, 'xmlns:wsu', WSU_NS);
  body.setAttributeNS(WSU_NS, 'wsu:Id', ids.body);

  const signer = new SignedXml({
    privateKey: privateKey(credentials.privateKeyPem),
    canonicalizationAlgorithm: EXC_C14N,
    signatureAlgorithm: RSA_SHA256,
    idMode: 'wssecurity',
    getKeyInfoContent: () =>
      `<wsse:SecurityTokenReference><wsse:Reference URI="#${ids.token}" ValueType="${X509V3_TOKEN}"/></wsse:SecurityTokenReference>`,
  });
  // The specification's attribute and namespace order, the one the verifier and xmlsec1 use.
  signer.CanonicalizationAlgorithms[EXC_C14N] = ExclusiveC14n;
  // Paths from the root, not `//*[@Id=…]`: xml-crypto evaluates each with xpath.js, and a search of
  // the whole document for an id cost more than the signing itself. Body and Timestamp carry their ids.
  for (const xpath of [BODY_PATH, TIMESTAMP_PATH]) {
    signer.addReference({ xpath, transforms: [EXC_C14N], digestAlgorithm: SHA256 });
  }
  signer.computeSignature(new XMLSerializer().serializeToString(doc), {
    prefix: 'ds',
    location: { reference: TOKEN_PATH, action: 'after' },
    existingPrefixes: { wsse: WSSE_NS, wsu: WSU_NS },
  });
  return signer.getSignedXml();
}

function newId(): string {
  return `id-${randomUUID()}`;
}

const child = (ns: string, name: string) => `/*[local-name()='${name}' and namespace-uri()='${ns}']`;
const SECURITY_PATH = `${child(SOAP11_NS, 'Envelope')}${child(SOAP11_NS, 'Header')}${child(WSSE_NS, 'Security')}`;
const BODY_PATH = `${child(SOAP11_NS, 'Envelope')}${child(SOAP11_NS, 'Body')}`;
const TIMESTAMP_PATH = `${SECURITY_PATH}${child(WSU_NS, 'Timestamp')}`;
const TOKEN_PATH = `${SECURITY_PATH}${child(WSSE_NS, 'BinarySecurityToken')}`;

function headerOf(doc: Document, envelope: Element, body: Element): Element {
  const existing = childElements(envelope, SOAP11_NS, 'Header')[0];
  if (existing) return existing;
  const header = doc.createElementNS(SOAP11_NS, envelope.prefix ? `${envelope.prefix}:Header` : 'Header');
  envelope.insertBefore(header, body);
  return header;
}

function securityHeader(
  doc: Document,
  envelope: Element,
  credentials: SigningCredentials,
  now: Date,
  ttlSeconds: number,
  ids: { timestamp: string; token: string },
): Element {
  const element = (ns: string, name: string, text?: string): Element => {
    const created = doc.createElementNS(ns, name);
    if (text !== undefined) created.appendChild(doc.createTextNode(text));
    return created;
  };
  const security = element(WSSE_NS, 'wsse:Security');
  security.setAttributeNS(XMLNS_NS, 'xmlns:wsse', WSSE_NS);
  security.setAttributeNS(XMLNS_NS, 'xmlns:wsu', WSU_NS);
  const soapPrefix = envelope.prefix ?? 'soapenv';
  if (!envelope.prefix) security.setAttributeNS(XMLNS_NS, 'xmlns:soapenv', SOAP11_NS);
  security.setAttributeNS(SOAP11_NS, `${soapPrefix}:mustUnderstand`, '1');

  const timestamp = element(WSU_NS, 'wsu:Timestamp');
  timestamp.setAttributeNS(WSU_NS, 'wsu:Id', ids.timestamp);
  timestamp.appendChild(element(WSU_NS, 'wsu:Created', formatTimestamp(now)));
  timestamp.appendChild(element(WSU_NS, 'wsu:Expires', formatTimestamp(new Date(now.getTime() + ttlSeconds * 1000))));
  security.appendChild(timestamp);

  const token = element(WSSE_NS, 'wsse:BinarySecurityToken', certificateDer(credentials.certificatePem).toString('base64'));
  token.setAttribute('EncodingType', BASE64_ENCODING);
  token.setAttribute('ValueType', X509V3_TOKEN);
  token.setAttributeNS(WSU_NS, 'wsu:Id', ids.token);
  security.appendChild(token);
  return security;
}
