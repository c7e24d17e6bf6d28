import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SmtError } from '../core/errors';

/** Namespaces, algorithm and token-type URIs of SOAP 1.1, WS-Security 1.0 and XML-DSig. */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export const X509V3_TOKEN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
export const BASE64_ENCODING = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

/** Parses with xmldom, the parser xml-crypto uses, but fails instead of repairing or logging. */
export function parseXml(xml: string): Document {
  const fail = (message: unknown): never => {
    throw new Error(String(message).split('\n')[0]);
  };
  const parser = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } });
  return parser.parseFromString(xml, 'text/xml');
}

export function isElement(node: Node | null, ns: string, localName: string): node is Element {
  return node !== null && node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === localName;
}

/** Direct element children, optionally only those with the given expanded name. */
export function childElements(parent: Node, ns?: string, localName?: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    if (ns === undefined || isElement(node, ns, localName ?? (node as Element).localName)) found.push(node as Element);
  }
  return found;
}

/** Every element anywhere below `root` with the given expanded name. */
export function descendants(root: Node, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isElement(node, ns, localName)) found.push(node);
    for (let child = node.lastChild; child !== null; child = child.previousSibling) {
      if (child.nodeType === 1) stack.push(child);
    }
  }
  return found.reverse();
}

/** The text of an element, which must hold nothing but text. */
export function textOf(element: Element): string {
  if (childElements(element).length > 0) throw new Error(`${element.localName} must hold text only`);
  return element.textContent ?? '';
}

/** DER bytes of the first certificate in a PEM text. */
export function certificateDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('not a PEM certificate');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** SHA-256 fingerprint in the form node:crypto's X509Certificate.fingerprint256 uses (AB:CD:...). */
export function fingerprint256(der: Buffer): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

export function signatureInvalid(reason: string): SmtError {
  return new SmtError('WSS_SIGNATURE_INVALID', `WS-Security signature refused: ${reason}`);
}
