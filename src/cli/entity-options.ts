import fs from 'node:fs/promises';
import { SmtError } from '../core/errors';
import { pgpPublicKeyProblem } from '../registry/registry-formats';
import type { CertificatePurpose } from '../security/certificate.rules';
import type { CredentialsService, RegisteredCertificate } from '../security/credentials.service';
import { normalizeIpList } from '../security/ip-address';

/** The credentials options of `entity add` and `entity update`, read and checked. */
export interface CredentialOptions {
  certificates: { file: string; text: string; purpose: CertificatePurpose }[];
  /** undefined: --ip not given (leave the addresses as they are). */
  ips: string[] | undefined;
}

export const CREDENTIAL_OPTIONS = {
  cert: { type: 'string', multiple: true },
  'signing-cert': { type: 'string', multiple: true },
  'pgp-key': { type: 'string' },
  ip: { type: 'string', multiple: true },
} as const;

/** A repeatable option whose values may also be comma-separated lists (--duns A,B --duns C). */
export function listOption(values: Record<string, unknown>, name: string): string[] {
  const given = values[name];
  if (!Array.isArray(given)) return [];
  return given.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export async function readCredentialOptions(values: Record<string, unknown>): Promise<CredentialOptions> {
  const certificates = [];
  for (const [option, purpose] of [['cert', 'tls'], ['signing-cert', 'signing']] as const) {
    for (const file of listOption(values, option)) certificates.push({ file, text: await readText(file, 'certificate'), purpose });
  }
  const ips = values.ip === undefined ? undefined : normalizeIpList(listOption(values, 'ip'));
  return { certificates, ips };
}

/** Every certificate is checked before anything is registered, so a refusal changes nothing. */
export async function checkCredentials(credentials: CredentialsService, participantName: string | null, options: CredentialOptions): Promise<void> {
  for (const c of options.certificates) await credentials.checkCertificate(participantName, c.text, c.purpose, `The certificate file ${c.file}`);
}

export async function registerCredentials(credentials: CredentialsService, participantName: string, options: CredentialOptions): Promise<string[]> {
  const lines: string[] = [];
  for (const c of options.certificates) {
    const registered = await credentials.registerCertificate(participantName, c.text, c.purpose, `The certificate file ${c.file}`);
    lines.push(`  ${c.purpose === 'tls' ? 'TLS' : 'signing'} certificate CN "${registered.subjectCn}" (serial ${registered.serialHex}, until ${registered.notAfter.slice(0, 10)}; SHA-256 ${registered.fingerprint256})`);
  }
  if (options.ips !== undefined) {
    const ips = await credentials.setIps(participantName, options.ips);
    lines.push(`  calls from: ${ips.length > 0 ? ips.join(', ') : 'no address (every call will be refused until one is registered)'}`);
  }
  return lines;
}

/** undefined when --pgp-key is not given; the key text when the file holds a public key. */
export async function readKeyOption(values: Record<string, unknown>): Promise<string | undefined> {
  const file = values['pgp-key'];
  if (typeof file !== 'string') return undefined;
  const text = await readText(file, 'PGP key');
  const problem = pgpPublicKeyProblem(text);
  if (problem) throw new SmtError('INPUT_INVALID', `The PGP key file ${file} ${problem}.`, { file });
  return text;
}

/** One cell of `entity list`: each certificate's CN, purpose and state. */
export function describeCertificates(certificates: RegisteredCertificate[], now: Date): string {
  if (certificates.length === 0) return '-';
  return certificates.map((c) => {
    const state = c.revoked ? 'REVOKED' : c.notAfter <= now.toISOString() ? `EXPIRED ${c.notAfter.slice(0, 10)}` : `until ${c.notAfter.slice(0, 10)}`;
    return `${c.subjectCn} (${c.purpose}, ${state})`;
  }).join('; ');
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new SmtError('FILE_UNREADABLE', `Cannot read the ${what} file ${file}: ${(error as Error).message}`, { file });
  }
}
