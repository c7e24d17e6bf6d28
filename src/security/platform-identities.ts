import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import type { Config } from '../config/config';
import { SmtError } from '../core/errors';
import { ensureDevelopmentCertificate, ensureDevelopmentPki } from './dev-pki';
import type { SigningCredentials } from './ws-security.signer';

/** The platform's client certificate for calls to TDSPs, and the CAs their servers chain to. */
export interface TdspClientTls {
  certPem: string;
  keyPem: string;
  caPem: string[];
}

/**
 * The certificates and keys the platform acts with, read from the configured files or, where none
 * are configured, from the development PKI in the data dir. Each is read once.
 */
export class PlatformIdentities {
  private readonly read = new Map<string, Promise<unknown>>();

  constructor(private readonly config: Config) {}

  /** The server's TLS certificate and key (SOAP, FTPS), which also sign the answers to REPs. */
  server(): Promise<SigningCredentials> {
    return this.once('server', async () => {
      const { serverCertFile, serverKeyFile } = this.config.security;
      if (serverCertFile && serverKeyFile) {
        return { certificatePem: await readFileNamed(serverCertFile, 'SMT_SERVER_CERT_FILE'), privateKeyPem: await readFileNamed(serverKeyFile, 'SMT_SERVER_KEY_FILE') };
      }
      const pki = await ensureDevelopmentPki(this.config.dataDir);
      return { certificatePem: pki.server.certPem, privateKeyPem: pki.server.keyPem };
    });
  }

  /**
   * What signs the platform's requests to TDSPs: its own certificate and key when configured, so the
   * key that answers REPs need not also speak for the platform to every TDSP; otherwise the server's.
   */
  tdspSigner(): Promise<SigningCredentials> {
    return this.once('tdspSigner', async () => {
      const { signingCertFile, signingKeyFile } = this.config.tdsp;
      if (!signingCertFile || !signingKeyFile) return this.server();
      const certificatePem = await readFileNamed(signingCertFile, 'SMT_TDSP_SIGNING_CERT_FILE');
      const privateKeyPem = await readFileNamed(signingKeyFile, 'SMT_TDSP_SIGNING_KEY_FILE');
      if (!keyMatches(certificatePem, privateKeyPem)) {
        throw new SmtError('CONFIG_INVALID', `SMT_TDSP_SIGNING_KEY_FILE ${signingKeyFile} is not the private key of SMT_TDSP_SIGNING_CERT_FILE ${signingCertFile} (or one of them is not PEM)`);
      }
      return { certificatePem, privateKeyPem };
    });
  }

  tdspClientTls(): Promise<TdspClientTls> {
    return this.once('tdspClientTls', async () => {
      const { clientCertFile, clientKeyFile, caFile } = this.config.tdsp;
      const own = clientCertFile && clientKeyFile
        ? { certPem: await readFileNamed(clientCertFile, 'SMT_TDSP_CLIENT_CERT_FILE'), keyPem: await readFileNamed(clientKeyFile, 'SMT_TDSP_CLIENT_KEY_FILE') }
        : await ensureDevelopmentCertificate(this.config.dataDir, 'platform-client');
      const caPem = caFile
        ? [await readFileNamed(caFile, 'SMT_TDSP_CA_FILE')]
        : [...tls.rootCertificates, (await ensureDevelopmentPki(this.config.dataDir)).ca.certPem];
      return { certPem: own.certPem, keyPem: own.keyPem, caPem };
    });
  }

  private once<T>(name: string, create: () => Promise<T>): Promise<T> {
    let made = this.read.get(name) as Promise<T> | undefined;
    if (!made) {
      made = create();
      this.read.set(name, made);
    }
    return made;
  }
}

function keyMatches(certificatePem: string, privateKeyPem: string): boolean {
  try {
    return new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}

/** A file a setting or option names; `what` says which, so the message tells what to fix. */
export async function readFileNamed(file: string, what: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new SmtError('CONFIG_INVALID', `Cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}
