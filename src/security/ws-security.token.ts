import { X509Certificate, type KeyObject } from 'node:crypto';
import { SmtError } from '../core/errors';
import { BASE64_ENCODING, WSSE_NS, X509V3_TOKEN, certificateDer, childElements, fingerprint256, isElement, signatureInvalid } from './ws-security.xml';

/** A registered signing certificate, parsed once and kept while it keeps being used. */
export interface TrustedCertificate {
  fingerprint256: string;
  publicKey: KeyObject;
  validFrom: number;
  validTo: number;
  isRsa: boolean;
}

const MAX_CACHED = 1000;
const cache = new Map<string, TrustedCertificate>();

function trusted(pem: string): TrustedCertificate {
  let entry = cache.get(pem);
  if (entry === undefined) {
    let der: Buffer;
    let certificate: X509Certificate;
    try {
      der = certificateDer(pem);
      certificate = new X509Certificate(der);
    } catch {
      throw new SmtError('INTERNAL', 'a registered signing certificate is not a readable PEM certificate');
    }
    entry = {
      fingerprint256: fingerprint256(der),
      publicKey: certificate.publicKey,
      validFrom: Date.parse(certificate.validFrom),
      validTo: Date.parse(certificate.validTo),
      isRsa: certificate.publicKey.asymmetricKeyType === 'rsa',
    };
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(pem, entry);
  }
  return entry;
}

/**
 * The registered certificate that the BinarySecurityToken named by KeyInfo carries. KeyInfo only
 * says which registered certificate to use: the key that verifies always comes from the registration.
 */
export function signingCertificate(token: Element, security: Element, trustedPems: string[], now: Date): TrustedCertificate {
  if (!isElement(token, WSSE_NS, 'BinarySecurityToken') || token.parentNode !== security) {
    throw signatureInvalid('KeyInfo must reference a BinarySecurityToken in the Security header');
  }
  if (token.getAttribute('ValueType') !== X509V3_TOKEN) throw signatureInvalid('the BinarySecurityToken is not an X.509 v3 certificate');
  const encoding = token.getAttribute('EncodingType');
  if (encoding && encoding !== BASE64_ENCODING) throw signatureInvalid('the BinarySecurityToken is not Base64Binary');
  if (childElements(token).length > 0) throw signatureInvalid('the BinarySecurityToken must hold text only');
  const der = Buffer.from((token.textContent ?? '').replace(/\s+/g, ''), 'base64');
  const presented = fingerprint256(der);
  const match = trustedPems.map(trusted).find((candidate) => candidate.fingerprint256 === presented);
  if (match === undefined) {
    throw new SmtError('WSS_CERTIFICATE_UNTRUSTED', 'the message is signed with a certificate not registered for this entity', {
      fingerprint256: presented,
    });
  }
  const at = now.getTime();
  if (at < match.validFrom || at > match.validTo) {
    throw new SmtError('WSS_CERTIFICATE_UNTRUSTED', 'the registered signing certificate is outside its validity period');
  }
  if (!match.isRsa) throw new SmtError('WSS_ALGORITHM_REFUSED', 'the signing certificate must hold an RSA key');
  return match;
}
