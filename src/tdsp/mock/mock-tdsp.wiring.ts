import type { Config } from '../../config/config';
import type { Logger } from '../../core/logger';
import type { RegistryService } from '../../registry/registry.service';
import { ensureDevelopmentCertificate, ensureDevelopmentPki } from '../../security/dev-pki';
import type { DevelopmentSetup } from '../../security/development-setup';
import { parseCertificate } from '../../security/pki';
import { readFileNamed, type PlatformIdentities } from '../../security/platform-identities';
import type { WsSecurityPool } from '../../security/ws-security.pool';
import type { RunningSoapServer } from '../../soap/soap-server';
import { loadBehaviour } from './mock-behaviour';
import { startMockTdsp } from './mock-tdsp.server';

/** The files the mock TDSP runs with; see `smt mock-tdsp --help`. */
export interface MockTdspFiles {
  tdspCert: string;
  tdspKey: string;
  platformClientCert?: string | null;
  platformSigner?: string | null;
  /** Signs the platform's answers to callbacks; default: this data dir's server certificate. */
  platformServerCert?: string | null;
  ca?: string | null;
  behaviour?: string | null;
  port?: number;
}

/** What the mock TDSP takes from the composition root. */
export interface MockTdspDeps {
  config: Config;
  logger: Logger;
  identities: PlatformIdentities;
  securityPool(): Promise<WsSecurityPool>;
  registry(): Promise<RegistryService>;
}

/**
 * Starts the mock TDSP: it serves TdspHan with the development PKI's mock-tdsp certificate and calls
 * back as the TDSP whose client certificate and key it is given. Unless told otherwise it trusts
 * this platform: its client certificate for calls in, its TDSP signing certificate for their
 * signatures, and its server certificate for the signatures on its answers to callbacks.
 */
export async function startMockTdspFor(deps: MockTdspDeps, files: MockTdspFiles): Promise<RunningSoapServer> {
  const { dataDir, soap, mockTdsp } = deps.config;
  const pki = await ensureDevelopmentPki(dataDir);
  const serverCert = await ensureDevelopmentCertificate(dataDir, 'mock-tdsp');
  const platformClientPem = files.platformClientCert ? await readFileNamed(files.platformClientCert, 'the platform client certificate') : (await deps.identities.tdspClientTls()).certPem;
  return startMockTdsp({
    host: mockTdsp.host, port: files.port ?? mockTdsp.port,
    server: { certificatePem: serverCert.certPem, privateKeyPem: serverCert.keyPem },
    tdsp: { certificatePem: await readFileNamed(files.tdspCert, 'the TDSP certificate'), privateKeyPem: await readFileNamed(files.tdspKey, 'the TDSP key') },
    caPem: files.ca ? await readFileNamed(files.ca, 'the CA file') : pki.ca.certPem,
    platformClientFingerprint256: parseCertificate(platformClientPem).fingerprint256,
    platformSignersPem: [files.platformSigner ? await readFileNamed(files.platformSigner, 'the platform signing certificate') : (await deps.identities.tdspSigner()).certificatePem],
    platformAnswerSignersPem: [files.platformServerCert ? await readFileNamed(files.platformServerCert, 'the platform server certificate') : (await deps.identities.server()).certificatePem],
    behaviour: loadBehaviour(files.behaviour ?? mockTdsp.behaviourFile),
    maxBodyBytes: soap.maxBodyBytes, clockSkewSeconds: soap.clockSkewSeconds, timestampWindowSeconds: soap.timestampWindowSeconds,
  }, await deps.securityPool(), deps.logger);
}

/**
 * Registers a running development mock as the demo TDSP's endpoint, unless the operator set
 * another one (an address that is not a local TdspHan). Returns the endpoint.
 */
export async function registerDevelopmentMock(registry: RegistryService, setup: DevelopmentSetup, port: number): Promise<string> {
  const demo = setup.demo.find((d) => d.kind === 'TDSP')!;
  const endpoint = `https://localhost:${port}/TdspHan`;
  const current = (await registry.findParticipantByDuns(demo.duns))?.endpoint ?? null;
  if (current === null || /^https:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/TdspHan$/.test(current)) {
    if (current !== endpoint) await registry.updateParticipant(demo.name, { endpoint });
  }
  return endpoint;
}
