import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { generatePgpKeyPair } from '../delivery/pgp';
import type { RegistryImportService } from '../registry/registry-import.service';
import type { RegistryService } from '../registry/registry.service';
import { randomPassword, writeClientBundle } from './client-bundle';
import type { CredentialsService } from './credentials.service';
import type { FtpAccountsService } from './ftp-accounts.service';
import { developmentPkiPaths, ensureDevelopmentPki, type DevelopmentPkiPaths } from './dev-pki';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, writeFileWithMode } from './key-file';

/** What the setup needs; the App provides all of it. */
export interface DevelopmentSetupDeps {
  config: { dataDir: string; security: { clientCaFile: string | null } };
  logger: Logger;
  registry(): Promise<RegistryService>;
  registryImport(): Promise<RegistryImportService>;
  credentials(): Promise<CredentialsService>;
  ftpAccounts(): Promise<FtpAccountsService>;
}

export interface DemoParticipantFiles {
  name: string;
  kind: 'REP' | 'TDSP';
  duns: string;
  dir: string;
  clientCertPath: string;
  clientKeyPath: string;
  pkcs12Path: string;
  pkcs12PasswordPath: string;
  pgpPrivateKeyPath: string;
  pgpPublicKeyPath: string;
  /** The FTPS password (user name: the participant's name or its DUNS). */
  ftpPasswordPath: string;
}

export interface DevelopmentSetup {
  /** True when this call created the demo participants (the data dir had none). */
  created: boolean;
  /** Why nothing was created, when nothing was. */
  skipped: string | null;
  pki: DevelopmentPkiPaths;
  /** The demo participants whose files are in <dataDir>/demo, whether made now or earlier. */
  demo: DemoParticipantFiles[];
}

interface DemoSpec {
  name: string;
  kind: 'REP' | 'TDSP';
  duns: string;
  commonName: string;
}

/** The DUNS the registry fixtures and sample LSE files use, so they load into a demo data dir as they are. */
const DEMO: DemoSpec[] = [
  { name: 'Demo REP', kind: 'REP', duns: '200000001', commonName: 'demo-rep' },
  { name: 'Demo TDSP', kind: 'TDSP', duns: '100000001', commonName: 'demo-tdsp' },
];
const DEMO_ESIIDS = ['10443720000000001', '10443720000000002', '10443720000000003', '10443720000000004', '10443720000000005'];
const DEMO_IP = '127.0.0.1';
const CLIENT_DAYS = 365;

/**
 * On a data dir with no participants: the development PKI, a demo REP and a demo TDSP with
 * client certificates, PGP key pairs, FTPS passwords and 127.0.0.1 registered, and a few ESI IDs the demo REP
 * serves, so a newcomer can call the SOAP service at once. Does nothing once any participant exists.
 */
export async function ensureDevelopmentSetup(deps: DevelopmentSetupDeps): Promise<DevelopmentSetup> {
  const { dataDir } = deps.config;
  const summary = (created: boolean, skipped: string | null): DevelopmentSetup =>
    ({ created, skipped, pki: developmentPkiPaths(dataDir), demo: DEMO.map((d) => demoFiles(dataDir, d)).filter((f) => fs.existsSync(f.pkcs12Path)) });
  const registry = await deps.registry();
  if ((await registry.listParticipants()).length > 0) {
    await addMissingFtpPasswords(dataDir, deps);
    return summary(false, 'participants are already registered');
  }
  if (deps.config.security.clientCaFile !== null) {
    return summary(false, 'SMT_CLIENT_CA_FILE is set, so demo certificates from the development CA would not be accepted');
  }
  const pki = await ensureDevelopmentPki(dataDir);
  // Every file is written before the first registration, so a failure leaves the registry untouched.
  const prepared = [];
  for (const spec of DEMO) prepared.push(await writeDemoFiles(dataDir, spec, pki.ca));
  const credentials = await deps.credentials();
  const ftpAccounts = await deps.ftpAccounts();
  for (const { spec, files, certPem, pgpPublicKey, ftpPassword } of prepared) {
    await registry.addParticipant({ name: spec.name, kind: spec.kind, duns: [spec.duns], pgpPublicKey });
    await credentials.registerCertificate(spec.name, certPem, 'tls', files.clientCertPath);
    await credentials.setIps(spec.name, [DEMO_IP]);
    await ftpAccounts.setPassword(spec.name, ftpPassword);
  }
  await importDemoEsiids(dataDir, await deps.registryImport());
  deps.logger.info('development setup created', { demo: DEMO.map((d) => d.name), dir: path.join(dataDir, 'demo') });
  return summary(true, null);
}

/** Lines for `smt serve` (or any command) to print after the setup. */
export function describeDevelopmentSetup(setup: DevelopmentSetup): string[] {
  if (setup.demo.length === 0) return [];
  const lines = [
    `development CA:    ${setup.pki.caCertPath} (server certificate ${setup.pki.serverCertPath})`,
  ];
  for (const d of setup.demo) {
    lines.push(`${d.name} (${d.kind}, DUNS ${d.duns}, calls from ${DEMO_IP}): ${d.dir}`,
      `  client.crt / client.key, client.p12 (password in p12-password.txt), pgp-private.asc, FTPS password in ftp-password.txt`);
  }
  return lines;
}

function demoFiles(dataDir: string, spec: DemoSpec): DemoParticipantFiles {
  const dir = path.join(dataDir, 'demo', spec.commonName);
  return {
    name: spec.name, kind: spec.kind, duns: spec.duns, dir,
    clientCertPath: path.join(dir, 'client.crt'),
    clientKeyPath: path.join(dir, 'client.key'),
    pkcs12Path: path.join(dir, 'client.p12'),
    pkcs12PasswordPath: path.join(dir, 'p12-password.txt'),
    pgpPrivateKeyPath: path.join(dir, 'pgp-private.asc'),
    pgpPublicKeyPath: path.join(dir, 'pgp-public.asc'),
    ftpPasswordPath: path.join(dir, 'ftp-password.txt'),
  };
}

/** Demo data dirs made before FTPS passwords existed get theirs, so the demo logs in there too. */
async function addMissingFtpPasswords(dataDir: string, deps: DevelopmentSetupDeps): Promise<void> {
  const registered = new Set((await (await deps.registry()).listParticipants()).map((p) => p.name));
  for (const files of DEMO.map((d) => demoFiles(dataDir, d))) {
    if (!registered.has(files.name) || !fs.existsSync(files.pkcs12Path) || fs.existsSync(files.ftpPasswordPath)) continue;
    const accounts = await deps.ftpAccounts();
    if (await accounts.hasPassword(files.name)) continue;
    const password = randomPassword();
    await writeFileWithMode(files.ftpPasswordPath, `${password}\n`, PRIVATE_FILE_MODE);
    await accounts.setPassword(files.name, password);
  }
}

async function writeDemoFiles(dataDir: string, spec: DemoSpec, ca: { certPem: string; keyPem: string }) {
  const files = demoFiles(dataDir, spec);
  const password = randomPassword();
  await writeFileWithMode(files.pkcs12PasswordPath, `${password}\n`, PRIVATE_FILE_MODE);
  const ftpPassword = randomPassword();
  await writeFileWithMode(files.ftpPasswordPath, `${ftpPassword}\n`, PRIVATE_FILE_MODE);
  const bundle = await writeClientBundle(ca, { commonName: spec.commonName, outDir: files.dir, days: CLIENT_DAYS, pkcs12Password: password, baseName: 'client' });
  const pgp = await generatePgpKeyPair({ name: spec.name, email: `${spec.commonName}@smt-platform.invalid` });
  await writeFileWithMode(files.pgpPrivateKeyPath, pgp.privateArmored, PRIVATE_FILE_MODE);
  await writeFileWithMode(files.pgpPublicKeyPath, pgp.publicArmored, PUBLIC_FILE_MODE);
  return { spec, files, certPem: bundle.certPem, pgpPublicKey: pgp.publicArmored, ftpPassword };
}

/** Through the registry's own CSV import, so the demo rows pass the same checks as an operator's. */
async function importDemoEsiids(dataDir: string, registryImport: RegistryImportService): Promise<void> {
  const [rep, tdsp] = DEMO;
  const dir = path.join(dataDir, 'demo', 'registry');
  const esiids = path.join(dir, 'esiids.csv');
  const stretches = path.join(dir, 'rep-of-record.csv');
  await writeFileWithMode(esiids, csv(['esiid,tdsp_duns,meter_number', ...DEMO_ESIIDS.map((e, i) => `${e},${tdsp!.duns},M${String(i + 1).padStart(7, '0')}`)]), PUBLIC_FILE_MODE);
  await writeFileWithMode(stretches, csv(['esiid,rep_duns,effective_from,effective_to', ...DEMO_ESIIDS.map((e) => `${e},${rep!.duns},2024-01-01,`)]), PUBLIC_FILE_MODE);
  for (const file of [esiids, stretches]) {
    const result = await registryImport.importCsv(file);
    if (result.rejected.length > 0) throw new Error(`The demo registry file ${file} was not accepted: ${result.rejected.map((r) => `line ${r.line}: ${r.reason}`).join('; ')}`);
  }
}

function csv(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
