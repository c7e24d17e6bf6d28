import fs from 'node:fs';
import { SmtError } from '../core/errors';
import { developmentPkiPaths } from './dev-pki';
import { certificateInfo, isIssuedBy, pemCertificates } from './pki';

/** The CA (or CAs: the file may be a bundle) that participants' client certificates must chain to. */
export interface ClientCa {
  file: string;
  certificatesPem: string[];
  /** For messages: which CA is expected, and where it comes from. */
  description: string;
}

export type ClientCaSource = () => Promise<ClientCa>;

/**
 * SMT_CLIENT_CA_FILE when set, otherwise the development CA. Read on every call: `smt pki init`
 * or the development setup may create the file after the process started.
 */
export async function loadClientCa(settings: { dataDir: string; clientCaFile: string | null }): Promise<ClientCa> {
  const configured = settings.clientCaFile !== null;
  const file = settings.clientCaFile ?? developmentPkiPaths(settings.dataDir).caCertPath;
  const origin = configured ? `the client CA file ${file} (SMT_CLIENT_CA_FILE)` : `the development CA ${file}`;
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    const hint = configured ? 'correct SMT_CLIENT_CA_FILE' : 'run smt pki init to create it, or set SMT_CLIENT_CA_FILE to your CA certificate';
    throw new SmtError('CONFIG_INVALID', `Cannot read ${origin} that client certificates must chain to (${(error as Error).message}): ${hint}.`, { file });
  }
  const certificatesPem = pemCertificates(text);
  if (certificatesPem.length === 0) {
    throw new SmtError('CONFIG_INVALID', `${origin} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, { file });
  }
  const names = certificatesPem.map((pem) => `"${certificateInfo(pem).subjectCn}"`).join(', ');
  return { file, certificatesPem, description: `${origin}, CN ${names}` };
}

/** The CA certificate that issued `pem`, or null when none of the client CA's certificates did. */
export function issuingCa(pem: string, ca: ClientCa): string | null {
  return ca.certificatesPem.find((caPem) => isIssuedBy(pem, caPem)) ?? null;
}
