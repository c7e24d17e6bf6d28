import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import * as soap from 'soap';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { ensureDevelopmentSetup, type DemoParticipantFiles, type DevelopmentSetup } from '../../src/security/development-setup';
import { issueCertificate } from '../../src/security/pki';
import type { RunningSoapServer } from '../../src/soap/soap-server';
import { TDSP_HAN_NAMESPACE } from '../../src/soap/tdsp-han.types';
import { SignedSoapClient } from '../../src/tdsp/signed-soap.client';
import type { Message, SoapReply } from '../../src/tdsp/soap-message';
import { RSA_SHA256, SHA256, type ClientFiles } from './soap-harness';

/** A fault as a test sees it: the stable code and the message. */
export interface FaultSeen {
  code: string;
  message: string;
}

/** The demo ESI IDs of the development setup, served by the demo REP, with meters M0000001..M0000005. */
export const DEMO_ESIIDS = ['10443720000000001', '10443720000000002', '10443720000000003', '10443720000000004', '10443720000000005'];

/**
 * The whole platform as `smt serve` runs it for HAN: the SOAP server, the dispatch worker and the
 * mock TDSP (registered as the demo TDSP's endpoint), on a throwaway data dir and free ports.
 */
export class HanHarness {
  app!: App;
  server!: RunningSoapServer;
  setup!: DevelopmentSetup;
  caPem!: string;
  mockEndpoint: string | null = null;

  constructor(readonly dataDir: string, private readonly settings: Record<string, string> = {}) {}

  async start(options: { mock?: boolean } = {}): Promise<void> {
    this.app = createApp(loadConfig({
      SMT_DATA_DIR: this.dataDir, SMT_SOAP_PORT: '0', SMT_MOCK_TDSP_PORT: '0', SMT_TDSP_POLL_MS: '50', SMT_TDSP_RETRY_BASE_MS: '100', ...this.settings,
    }));
    this.setup = await ensureDevelopmentSetup(this.app);
    this.caPem = fs.readFileSync(this.setup.pki.caCertPath, 'utf8');
    this.server = await this.app.startSoapServer();
    await (await this.app.dispatchWorker()).start();
    if (options.mock !== false) this.mockEndpoint = await this.app.startDevelopmentMockTdsp(this.setup);
  }

  async stop(): Promise<void> {
    await (await this.app.dispatchWorker()).stop();
    await this.app.close();
  }

  participant(kind: 'REP' | 'TDSP'): DemoParticipantFiles {
    return this.setup.demo.find((d) => d.kind === kind)!;
  }

  files(participant: DemoParticipantFiles): ClientFiles {
    return { certificatePem: fs.readFileSync(participant.clientCertPath, 'utf8'), privateKeyPem: fs.readFileSync(participant.clientKeyPath, 'utf8') };
  }

  url(service: string): string {
    return `https://127.0.0.1:${this.server.port}/${service}`;
  }

  agent(client: ClientFiles): https.Agent {
    return new https.Agent({ ca: this.caPem, keepAlive: true, cert: client.certificatePem, key: client.privateKeyPem });
  }

  /** A node-soap client of a service, set up as an integrator would: mutual TLS and signed requests. */
  async client(service: string, files: ClientFiles): Promise<soap.Client> {
    const agent = this.agent(files);
    const client = await soap.createClientAsync(`${this.url(service)}?wsdl`, { wsdl_options: { httpsAgent: agent } });
    client.setEndpoint(this.url(service));
    client.setSecurity(new soap.WSSecurityCert(files.privateKeyPem, files.certificatePem, '', {
      hasTimeStamp: true, signatureAlgorithm: RSA_SHA256, digestAlgorithm: SHA256, signerOptions: { idMode: 'wssecurity' },
    } as never));
    (client as unknown as { httpsAgent: https.Agent }).httpsAgent = agent;
    return client;
  }

  /** Calls the platform's TdspCallback as a TDSP would: its client certificate, a signed message, the platform's signature checked. */
  async tdspCallback(files: ClientFiles, operation: string, message: Message): Promise<SoapReply> {
    return new SignedSoapClient(await this.app.securityPool(), files, 10_000).call({
      url: this.url('TdspCallback'), agent: this.agent(files), trustedSignersPem: [(await this.app.serverIdentity()).certificatePem],
    }, TDSP_HAN_NAMESPACE, operation, message);
  }

  /** Registers another participant with a client certificate from the development CA, calling from 127.0.0.1. */
  async addParticipant(name: string, kind: 'REP' | 'TDSP', duns: string): Promise<ClientFiles> {
    const ca = { certPem: this.caPem, keyPem: fs.readFileSync(path.join(this.dataDir, 'pki', 'ca.key'), 'utf8') };
    const issued = await issueCertificate(ca, { commonName: name.toLowerCase().replace(/\W+/g, '-'), kind: 'client', days: 30 });
    await (await this.app.registry()).addParticipant({ name, kind, duns: [duns] });
    const credentials = await this.app.credentials();
    await credentials.registerCertificate(name, issued.certPem, 'tls');
    await credentials.setIps(name, ['127.0.0.1']);
    return { certificatePem: issued.certPem, privateKeyPem: issued.keyPem };
  }

  /** Loads registry rows (esiids or rep-of-record layout) through the registry import. */
  async importRegistry(name: string, lines: string[]): Promise<void> {
    const file = path.join(this.dataDir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await (await this.app.registryImport()).importCsv(file);
    if (result.rejected.length > 0) throw new Error(`registry rows refused: ${JSON.stringify(result.rejected)}`);
  }
}

/** Calls an operation; a SOAP fault becomes `{ fault }` with its smtFault code and message. */
export async function call<T = Record<string, unknown>>(client: soap.Client, operation: string, args: Record<string, unknown>): Promise<{ result?: T; fault?: FaultSeen; raw: string }> {
  const agent = (client as unknown as { httpsAgent: https.Agent }).httpsAgent;
  try {
    const [result, raw] = await (client as unknown as Record<string, (a: unknown, o: unknown) => Promise<[T, string]>>)[`${operation}Async`]!(args, { httpsAgent: agent });
    return { result, raw };
  } catch (error) {
    const e = error as { root?: { Envelope?: { Body?: { Fault?: { detail?: { smtFault?: FaultSeen } } } } }; body?: string };
    const fault = e.root?.Envelope?.Body?.Fault?.detail?.smtFault;
    if (!fault) throw error;
    return { fault: { code: fault.code, message: fault.message }, raw: e.body ?? '' };
  }
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
