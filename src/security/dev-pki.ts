import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir } from '../core/private-files';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, writeFileWithMode } from './key-file';
import type { CertificateAndKey, issueCertificate } from './pki';

export interface DevelopmentPkiPaths {
  dir: string;
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
}

export interface DevelopmentPki extends DevelopmentPkiPaths {
  ca: CertificateAndKey;
  server: CertificateAndKey;
  /** False when every file was already there. */
  created: boolean;
}

export const DEV_CA_COMMON_NAME = 'smt-platform development CA';
const CA_YEARS = 10;
const SERVER_DAYS = 730;

/** The certificate maker (node-forge), loaded when a certificate is made: reading the PKI's paths and files needs none. */
function certificateMaker(): Promise<typeof import('./pki')> {
  return import('./pki');
}

export function developmentPkiPaths(dataDir: string): DevelopmentPkiPaths {
  const dir = path.join(dataDir, 'pki');
  return {
    dir,
    caCertPath: path.join(dir, 'ca.crt'),
    caKeyPath: path.join(dir, 'ca.key'),
    serverCertPath: path.join(dir, 'server.crt'),
    serverKeyPath: path.join(dir, 'server.key'),
  };
}

/**
 * The development CA (which signs the server and client certificates) and the server certificate
 * for localhost / 127.0.0.1, created on first use and loaded afterwards.
 */
export async function ensureDevelopmentPki(dataDir: string): Promise<DevelopmentPki> {
  const paths = developmentPkiPaths(dataDir);
  let created = false;
  let ca = await readPair(paths.caCertPath, paths.caKeyPath);
  if (ca === null) {
    created = await publishNewPki(dataDir, paths);
    ca = await readPair(paths.caCertPath, paths.caKeyPath);
    if (ca === null) throw new Error(`The development CA in ${paths.dir} is incomplete: remove the folder and run smt pki init again.`);
  }
  let server = await readPair(paths.serverCertPath, paths.serverKeyPath);
  if (server === null) {
    server = await newServerCertificate(ca);
    await writeFileWithMode(paths.serverKeyPath, server.keyPem, PRIVATE_FILE_MODE);
    await writeFileWithMode(paths.serverCertPath, server.certPem, PUBLIC_FILE_MODE);
    created = true;
  }
  return { ...paths, ca, server, created };
}

/**
 * Builds all four files in a scratch folder and renames it into place, so that a CA key is never
 * paired with another process's certificate. Returns false when another process got there first.
 */
async function publishNewPki(dataDir: string, paths: DevelopmentPkiPaths): Promise<boolean> {
  const ca = await (await certificateMaker()).createCertificateAuthority(DEV_CA_COMMON_NAME, CA_YEARS);
  const server = await newServerCertificate(ca);
  await makePrivateDir(dataDir);
  const scratch = path.join(dataDir, `.pki-${crypto.randomBytes(6).toString('hex')}`);
  await fs.promises.mkdir(scratch, { mode: 0o700 });
  try {
    const inScratch = (file: string) => path.join(scratch, path.basename(file));
    await fs.promises.writeFile(inScratch(paths.caKeyPath), ca.keyPem, { mode: PRIVATE_FILE_MODE });
    await fs.promises.writeFile(inScratch(paths.caCertPath), ca.certPem, { mode: PUBLIC_FILE_MODE });
    await fs.promises.writeFile(inScratch(paths.serverKeyPath), server.keyPem, { mode: PRIVATE_FILE_MODE });
    await fs.promises.writeFile(inScratch(paths.serverCertPath), server.certPem, { mode: PUBLIC_FILE_MODE });
    // rename() replaces an empty folder but fails on one with files in it: the existing PKI wins.
    await fs.promises.rename(scratch, paths.dir);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  }
}

export type DevelopmentCertificateName = 'platform-client' | 'mock-tdsp';

const FURTHER_CERTIFICATES: Record<DevelopmentCertificateName, Parameters<typeof issueCertificate>[1]> = {
  /** The platform's client certificate for its calls to TDSPs (mutual TLS). */
  'platform-client': { commonName: 'smt-platform', kind: 'client', days: SERVER_DAYS },
  /** The mock TDSP's HTTPS server certificate. */
  'mock-tdsp': { commonName: 'localhost', kind: 'server', hostnames: ['localhost'], ips: ['127.0.0.1'], days: SERVER_DAYS },
};

/** A further certificate of the development PKI (pki/<name>.crt and .key), issued by its CA on first use. */
export async function ensureDevelopmentCertificate(dataDir: string, name: DevelopmentCertificateName): Promise<CertificateAndKey & { certPath: string; keyPath: string }> {
  const pki = await ensureDevelopmentPki(dataDir);
  const certPath = path.join(pki.dir, `${name}.crt`);
  const keyPath = path.join(pki.dir, `${name}.key`);
  const existing = await readPair(certPath, keyPath);
  if (existing) return { ...existing, certPath, keyPath };
  const issued = await (await certificateMaker()).issueCertificate(pki.ca, FURTHER_CERTIFICATES[name]);
  await writeFileWithMode(keyPath, issued.keyPem, PRIVATE_FILE_MODE);
  await writeFileWithMode(certPath, issued.certPem, PUBLIC_FILE_MODE);
  return { certPem: issued.certPem, keyPem: issued.keyPem, certPath, keyPath };
}

async function newServerCertificate(ca: CertificateAndKey): Promise<CertificateAndKey> {
  return (await certificateMaker()).issueCertificate(ca, { commonName: 'localhost', kind: 'server', hostnames: ['localhost'], ips: ['127.0.0.1'], days: SERVER_DAYS });
}

async function readPair(certPath: string, keyPath: string): Promise<CertificateAndKey | null> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  return certPem !== null && keyPem !== null ? { certPem, keyPem } : null;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
