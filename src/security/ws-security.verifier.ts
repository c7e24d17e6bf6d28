import { createHash } from 'node:crypto';
import { SmtError, errorMessage } from '../core/errors';
import { checkSoapEnvelope, type EnvelopeLimits } from './xml-hardening';
import { checkReferenceDigests, checkSignatureValue } from './ws-security.cryptography';
import { readSignature } from './ws-security.signature';
import { checkTimestamp } from './ws-security.timestamp';
import { signingCertificate } from './ws-security.token';
import { DSIG_NS, SOAP11_NS, WSSE_NS, WSU_NS, childElements, descendants, parseXml, signatureInvalid } from './ws-security.xml';

export interface VerifyOptions {
  /** The signing certificates registered for the entity the TLS client certificate identified. */
  trustedCertificatesPem: string[];
  now: Date;
  /** Allowed clock difference with the client; default 300. */
  maxSkewSeconds?: number;
  /** Longest accepted Timestamp window (Expires - Created); default 300. */
  maxAgeSeconds?: number;
  /** Accept rsa-sha1 signatures and sha1 digests from legacy clients; default false. */
  allowSha1?: boolean;
  /** Size and depth limits of the envelope checks run before parsing; see DEFAULT_ENVELOPE_LIMITS. */
  envelopeLimits?: EnvelopeLimits;
}

export interface VerifiedMessage {
  /** SHA-256 (hex) of the decoded SignatureValue: the key for replay detection. */
  signatureDigest: string;
  /** Last instant this message is accepted (Timestamp Expires plus the allowed skew): keep its replay record until then. */
  expires: Date;
  /** SHA-256 fingerprint (AB:CD:... form) of the registered certificate that verified the signature. */
  signingCertificateFingerprint256: string;
  /** The element in the signed Body (namespace and local name): the operation asked for. */
  operation: { namespace: string; name: string } | null;
}

/** Fits a 50,000-ESI-ID request (about 2 MB) with room to spare. */
export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 32 };

/**
 * Verifies the WS-Security header of a SOAP 1.1 request: Timestamp, a registered certificate and an
 * XML signature over exactly the Body and Timestamp the service will read. Synchronous and CPU-bound:
 * call it through WsSecurityPool off the event loop.
 */
export function verifyWsSecurity(message: string | Uint8Array, options: VerifyOptions): VerifiedMessage {
  // Servers pass the bytes as received: the encoding checks must see them before anything decodes them.
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  checkSoapEnvelope(bytes, options.envelopeLimits ?? DEFAULT_ENVELOPE_LIMITS);
  const doc = parse(bytes.toString('utf8'));
  const envelope = doc.documentElement!;
  const header = childElements(envelope, SOAP11_NS, 'Header')[0];
  const body = childElements(envelope, SOAP11_NS, 'Body')[0];
  const securities = header ? childElements(header, WSSE_NS, 'Security') : [];
  if (securities.length === 0) throw new SmtError('WSS_MISSING', 'the request has no wsse:Security header');
  if (securities.length > 1) throw signatureInvalid('the request has more than one wsse:Security header');
  const security = securities[0];

  const timestamps = childElements(security, WSU_NS, 'Timestamp');
  if (timestamps.length !== 1) throw new SmtError('WSS_TIMESTAMP_INVALID', 'the Security header must hold exactly one wsu:Timestamp');
  const timestamp = timestamps[0];
  const acceptedUntil = checkTimestamp(timestamp, {
    now: options.now,
    maxSkewSeconds: options.maxSkewSeconds ?? 300,
    maxAgeSeconds: options.maxAgeSeconds ?? 300,
  });

  const signatures = descendants(doc, DSIG_NS, 'Signature');
  if (signatures.length === 0) throw signatureInvalid('the message is not signed');
  if (signatures.length > 1 || signatures[0].parentNode !== security) {
    throw signatureInvalid('the message must hold exactly one ds:Signature, in the Security header');
  }
  const signature = signatures[0];
  const parts = readSignature(signature, options.allowSha1 ?? false);

  const ids = indexIds(doc);
  const target = (id: string): Element => {
    const found = ids.get(id) ?? [];
    if (found.length > 1) throw signatureInvalid(`id ${id} is used more than once`);
    if (found.length === 0) throw signatureInvalid(`a reference points to id ${id}, which no element has`);
    return found[0];
  };
  const bodyId = body.getAttributeNS(WSU_NS, 'Id');
  const timestampId = timestamp.getAttributeNS(WSU_NS, 'Id');
  const targets = parts.referencedIds.map(target);
  if (!bodyId || !parts.referencedIds.some((id, i) => id === bodyId && targets[i] === body)) {
    throw signatureInvalid('the signature does not cover the soap:Body by its wsu:Id');
  }
  if (!timestampId || !parts.referencedIds.some((id, i) => id === timestampId && targets[i] === timestamp)) {
    throw signatureInvalid('the signature does not cover the wsu:Timestamp by its wsu:Id');
  }
  const certificate = signingCertificate(target(parts.tokenId), security, options.trustedCertificatesPem, options.now);

  // The digests are computed over the very Body and Timestamp found in place above, so what is
  // verified is what the service reads (no signature wrapping). Digests first, then SignatureValue:
  // the order, and so the messages, of xml-crypto's checkSignature.
  checkReferenceDigests(parts, targets, signature);
  checkSignatureValue(parts, certificate.publicKey);
  return {
    signatureDigest: createHash('sha256').update(Buffer.from(parts.signatureValue, 'base64')).digest('hex'),
    expires: acceptedUntil,
    signingCertificateFingerprint256: certificate.fingerprint256,
    operation: operationOf(body),
  };
}

/** The signed Body's payload element, which names the operation asked for. */
function operationOf(body: Element): { namespace: string; name: string } | null {
  const payload = childElements(body)[0];
  return payload ? { namespace: payload.namespaceURI ?? '', name: payload.localName } : null;
}

function parse(raw: string): Document {
  try {
    return parseXml(raw);
  } catch (error) {
    throw new SmtError('XML_MALFORMED', `malformed SOAP message: ${errorMessage(error).slice(0, 120)}`);
  }
}

/**
 * Every element by the value of any attribute whose local name is Id, the way xml-crypto looks
 * references up (`@*[local-name()='Id']`). A value found twice is never resolved.
 */
function indexIds(doc: Document): Map<string, Element[]> {
  const ids = new Map<string, Element[]>();
  const stack: Node[] = [doc.documentElement!];
  while (stack.length > 0) {
    const element = stack.pop() as Element;
    const attributes = element.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes[i];
      if (attribute.localName !== 'Id') continue;
      const list = ids.get(attribute.value);
      if (list) list.push(element);
      else ids.set(attribute.value, [element]);
    }
    for (let child = element.firstChild; child !== null; child = child.nextSibling) {
      if (child.nodeType === 1) stack.push(child);
    }
  }
  return ids;
}
