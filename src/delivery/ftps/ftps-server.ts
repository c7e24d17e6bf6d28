import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../core/logger';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import { pemCertificates } from '../../security/pki';
import { ControlSession } from './control-session';
import { DataConnection } from './data-connection';
import { FtpsLogins, type Authenticate } from './ftps-logins';
import type { LoginThrottleOptions } from './login-throttle';
import { PassivePortPool } from './passive-ports';
import type { SessionServices } from './session-services';

export interface FtpsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Inclusive range the passive data connections listen on. */
  passivePortRange: [number, number];
  tls: {
    certPem: string;
    keyPem: string;
    /** The CA client certificates must chain to; only needed with requestClientCertificate. */
    caPem?: string;
    /** Ask clients for a certificate; its fingerprint reaches authenticate() when it chains to caPem. */
    requestClientCertificate?: boolean;
  };
  /** <ftpsRoot>/<DUNS>/<folder>/<file>. */
  ftpsRoot: string;
  maxUploadBytes: number;
  idleTimeoutMs: number;
  /** The account behind a login, or an SmtError with an AUTH_* code (counted by the login throttle). */
  authenticate: Authenticate;
  /** A complete upload got its final name (called once per upload, never for an interrupted one). */
  onUpload(account: FtpAccount, duns: string, path: string): void;
  logger: Logger;
  /** Default 8. */
  maxSessionsPerAccount?: number;
  /** Default: 5 failures in 15 minutes lock a user name or address for 15 minutes. */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Control connections at once, logged in or not. Default 256. */
  maxConnections?: number;
}

export interface RunningFtpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The FTPS site: explicit TLS on one port (RFC 4217), passive data connections over TLS from a
 * port range, per-login views of the DUNS folders. Plain FTP never gets as far as a login.
 */
export async function startFtpsServer(options: FtpsServerOptions): Promise<RunningFtpsServer> {
  const { logger } = options;
  await fs.promises.mkdir(options.ftpsRoot, { recursive: true, mode: 0o700 });
  const secureContext = tls.createSecureContext({
    cert: options.tls.certPem, key: options.tls.keyPem, ca: options.tls.caPem, minVersion: 'TLSv1.2',
    // Data connections resume the control connection's session; OpenSSL refuses resumption without an id context once client certificates are requested.
    sessionIdContext: 'smt-platform-ftps',
  });
  const services: SessionServices = {
    secureContext,
    requestClientCertificate: options.tls.requestClientCertificate === true,
    clientCas: pemCertificates(options.tls.caPem ?? '').map((pem) => new X509Certificate(pem)),
    ports: new PassivePortPool(options.passivePortRange, (raw) => new DataConnection(raw, secureContext, options.idleTimeoutMs), logger),
    logins: new FtpsLogins(options.authenticate, logger, { maxSessionsPerAccount: options.maxSessionsPerAccount ?? 8, throttle: options.loginThrottle }),
    // Compared with realpath() results, so it must be real itself (the data dir may sit behind a symlink).
    realRoot: await fs.promises.realpath(options.ftpsRoot),
    maxUploadBytes: options.maxUploadBytes,
    idleTimeoutMs: options.idleTimeoutMs,
    onUpload: options.onUpload,
    logger,
  };
  const sessions = new Set<ControlSession>();
  const server = net.createServer((socket) => {
    sessions.add(new ControlSession(socket, services, (session) => sessions.delete(session)));
  });
  server.maxConnections = options.maxConnections ?? 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('ftps: server error', { error: error.message }));
  const port = (server.address() as AddressInfo).port;
  logger.info('ftps: listening', { host: options.host, port, dataPorts: options.passivePortRange.join('-'), clientCertificates: services.requestClientCertificate });
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close(421, 'The server is shutting down');
      services.ports.closeAll();
      await closed;
    },
  };
}
