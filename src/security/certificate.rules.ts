import { SmtError } from '../core/errors';
import { issuingCa, type ClientCa } from './client-ca';
import { ANY_EXTENDED_KEY_USAGE_OID, CLIENT_AUTH_OID, certificateInfo, pemCertificates, type CertificateInfo } from './pki';

export type CertificatePurpose = 'tls' | 'signing';

/** A certificate that may be registered, and the one PEM block it came from. */
export interface AcceptedCertificate extends CertificateInfo {
  pem: string;
}

/**
 * What onboarding checks before a certificate is registered, each failure saying what to do:
 * a leaf (not a CA), usable for client authentication when it is for TLS, not expired, and
 * issued by the configured client CA. A file with a chain in it is accepted: the first block is
 * the participant's certificate.
 */
export function acceptCertificate(text: string, purpose: CertificatePurpose, ca: ClientCa, now: Date, source: string): AcceptedCertificate {
  const pem = pemCertificates(text)[0];
  if (pem === undefined) {
    throw new SmtError('INPUT_INVALID', `${source} holds no PEM certificate: expected a block starting with -----BEGIN CERTIFICATE----- (convert a DER file with openssl x509 -inform der -in FILE -out FILE.crt).`);
  }
  const info = certificateInfo(pem);
  const label = `${source} (CN "${info.subjectCn}")`;
  if (info.isCa) {
    throw new SmtError('INPUT_INVALID', `${label} is a CA certificate; register the participant's own client certificate instead.`);
  }
  const usages = info.extendedKeyUsage;
  if (purpose === 'tls' && usages !== null && !usages.includes(CLIENT_AUTH_OID) && !usages.includes(ANY_EXTENDED_KEY_USAGE_OID)) {
    throw new SmtError('INPUT_INVALID', `${label} is not allowed for TLS client authentication (its extended key usage lacks clientAuth); issue one with clientAuth, e.g. smt pki issue.`);
  }
  if (info.notAfter <= now.toISOString()) {
    throw new SmtError('INPUT_INVALID', `${label} expired on ${info.notAfter}; register a renewed certificate.`);
  }
  if (issuingCa(pem, ca) === null) {
    throw new SmtError('INPUT_INVALID', `${label} was issued by "${info.issuerCn}", not by the client CA: certificates must chain to ${ca.description}. Have that CA issue it (smt pki issue for the development CA), or point SMT_CLIENT_CA_FILE at the CA that issued it.`);
  }
  return { ...info, pem };
}
