import crypto from 'node:crypto';
import path from 'node:path';
import { SmtError } from '../core/errors';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, writeFileWithMode } from './key-file';
import { certificateInfo, issueCertificate, toPkcs12, type CertificateAndKey } from './pki';

/** What an integrator installs on the calling machine: certificate, key, and both as PKCS#12. */
export interface ClientBundle {
  commonName: string;
  certPath: string;
  keyPath: string;
  pkcs12Path: string;
  certPem: string;
  serialHex: string;
  fingerprint256: string;
  notAfter: string;
}

export interface ClientBundleRequest {
  commonName: string;
  outDir: string;
  days: number;
  /** Protects the PKCS#12 file; the caller decides where (if anywhere) it is shown or kept. */
  pkcs12Password: string;
  /** File names without extension; defaults to the common name. */
  baseName?: string;
}

/** X.520 caps a common name at 64 characters; host names and simple labels are all a client CN needs. */
const COMMON_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkCommonName(commonName: string): string {
  if (!COMMON_NAME.test(commonName)) {
    throw new SmtError('INPUT_INVALID', `"${commonName}" is not a usable certificate common name: use 1-64 letters, digits, dots, hyphens or underscores, such as the calling host's name (rep1.example.com).`);
  }
  return commonName;
}

/** 18 random bytes: 24 URL-safe characters, typeable into soapUI's keystore dialog. */
export function randomPassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}

/** Issues a client certificate from `ca` and writes <base>.crt, <base>.key and <base>.p12 (keys owner-only). */
export async function writeClientBundle(ca: CertificateAndKey, request: ClientBundleRequest): Promise<ClientBundle> {
  const commonName = checkCommonName(request.commonName);
  const issued = await issueCertificate(ca, { commonName, kind: 'client', days: request.days });
  const base = path.join(path.resolve(request.outDir), request.baseName ?? commonName);
  const bundle = { certPath: `${base}.crt`, keyPath: `${base}.key`, pkcs12Path: `${base}.p12` };
  await writeFileWithMode(bundle.keyPath, issued.keyPem, PRIVATE_FILE_MODE);
  await writeFileWithMode(bundle.pkcs12Path, toPkcs12(issued.certPem, issued.keyPem, ca.certPem, request.pkcs12Password, commonName), PRIVATE_FILE_MODE);
  await writeFileWithMode(bundle.certPath, issued.certPem, PUBLIC_FILE_MODE);
  const info = certificateInfo(issued.certPem);
  return { commonName, ...bundle, certPem: issued.certPem, serialHex: issued.serialHex, fingerprint256: info.fingerprint256, notAfter: info.notAfter };
}
