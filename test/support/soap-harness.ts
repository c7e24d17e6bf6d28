import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import * as soap from 'soap';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { ensureDevelopmentSetup, type DemoParticipantFiles } from '../../src/security/development-setup';
import type { RunningSoapServer } from '../../src/soap/soap-server';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

export interface ClientFiles {
  certificatePem: string;
  privateKeyPem: string;
}

/** The whole platform on a throwaway data dir with the development setup, and the SOAP server on a free port. */
export class SoapHarness {
  app!: App;
  server!: RunningSoapServer;
  caPem!: string;
  rep!: DemoParticipantFiles;
  tdsp!: DemoParticipantFiles;

  constructor(readonly dataDir: string, private readonly settings: Record<string, string> = {}) {}

  /**
   * A harness on a fresh temporary data dir, started before the enclosing mocha suite's tests and
   * stopped (its data dir removed) after them.
   */
  static forSuite(prefix: string, settings: Record<string, string> = {}): SoapHarness {
    const harness = new SoapHarness(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), settings);
    before(() => harness.start());
    after(async () => {
      await harness.stop();
      fs.rmSync(harness.dataDir, { recursive: true, force: true });
    });
    return harness;
  }

  /** The demo REP's client certificate and key (TLS and signing), once started. */
  get repFiles(): ClientFiles {
    return this.files(this.rep);
  }

  async start(): Promise<void> {
    this.app = createApp(loadConfig({ SMT_DATA_DIR: this.dataDir, SMT_SOAP_PORT: '0', ...this.settings }));
    const setup = await ensureDevelopmentSetup(this.app);
    this.rep = setup.demo.find((d) => d.kind === 'REP')!;
    this.tdsp = setup.demo.find((d) => d.kind === 'TDSP')!;
    this.caPem = fs.readFileSync(setup.pki.caCertPath, 'utf8');
    this.server = await this.app.startSoapServer();
  }

  get endpoint(): string {
    return `https://127.0.0.1:${this.server.port}/MeterUsage`;
  }

  files(participant: DemoParticipantFiles): ClientFiles {
    return { certificatePem: fs.readFileSync(participant.clientCertPath, 'utf8'), privateKeyPem: fs.readFileSync(participant.clientKeyPath, 'utf8') };
  }

  agent(client: ClientFiles | null): https.Agent {
    return new https.Agent({ ca: this.caPem, keepAlive: true, ...(client ? { cert: client.certificatePem, key: client.privateKeyPem } : {}) });
  }

  /** A node-soap client as an integrator would set it up: mutual TLS and signed requests. */
  async client(tls: ClientFiles, signing: ClientFiles = tls): Promise<{ client: soap.Client; agent: https.Agent }> {
    const agent = this.agent(tls);
    const client = await soap.createClientAsync(`${this.endpoint}?wsdl`, { wsdl_options: { httpsAgent: agent } });
    client.setEndpoint(this.endpoint);
    client.setSecurity(new soap.WSSecurityCert(signing.privateKeyPem, signing.certificatePem, '', {
      hasTimeStamp: true, signatureAlgorithm: RSA_SHA256, digestAlgorithm: SHA256, signerOptions: { idMode: 'wssecurity' },
    } as never));
    return { client, agent };
  }

  /** Posts raw bytes, for requests no well-behaved client would send. */
  post(body: string | Buffer, client: ClientFiles | null): Promise<{ status: number; body: string }> {
    return postXml(this.endpoint, this.agent(client), body);
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}

/** POSTs `body` as text/xml to `url` through `agent` (its TLS settings); resolves to the status and the body. */
export function postXml(url: string, agent: https.Agent, body: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
