import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import type { Logger } from '../../core/logger';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import { normalizeIp } from '../../security/ip-address';
import { pemCertificates } from '../../security/pki';
import { ControlSession } from './control-session';
import { DataConnection } from './data-connection';
import { formatReply } from './ftp-protocol';
import { FtpsLogins, type Authenticate } from './ftps-logins';
import { PassivePortPool } from './passive-ports';
import { SessionAdmission } from './session-admission';
import type { SessionServices } from './session-services';
import { sessionTlsFactory } from './session-tls';

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
  /** The account behind a login, or an SmtError with an AUTH_* code (refused with one text, logged with its reason). */
  authenticate: Authenticate;
  /** A complete upload got its final name (called once per upload, never for an interrupted one). */
  onUpload(account: FtpAccount, duns: string, path: string): void;
  logger: Logger;
  /** Default 8. */
  maxSessionsPerAccount?: number;
  /** Control connections at once, logged in or not (those not logged in get at most half). Default 256. */
  maxConnections?: number;
  /** Connections from one address that have not logged in yet. Default 8. */
  maxConnectionsPerIp?: number;
  /** Time from connecting to a successful login, AUTH TLS included. Default 30 s. */
  loginTimeoutMs?: number;
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
  const requestClientCertificate = options.tls.requestClientCertificate === true;
  const services: SessionServices = {
    newSessionTls: sessionTlsFactory({ ...options.tls, requestClientCertificate }),
    clientCas: pemCertificates(options.tls.caPem ?? '').map((pem) => new X509Certificate(pem)),
    ports: new PassivePortPool(options.passivePortRange, (raw, binding) => new DataConnection(raw, binding.secureContext, options.idleTimeoutMs, binding.requestCert), logger),
    logins: new FtpsLogins(options.authenticate, logger, { maxSessionsPerAccount: options.maxSessionsPerAccount ?? 8 }),
    // Compared with realpath() results, so it must be real itself (the data dir may sit behind a symlink).
    realRoot: await fs.promises.realpath(options.ftpsRoot),
    maxUploadBytes: options.maxUploadBytes,
    idleTimeoutMs: options.idleTimeoutMs,
    loginTimeoutMs: options.loginTimeoutMs ?? 30_000,
    onUpload: options.onUpload,
    logger,
  };
  const admission = new SessionAdmission({ maxConnections: options.maxConnections ?? 256, maxConnectionsPerIp: options.maxConnectionsPerIp ?? 8 }, logger);
  const sessions = new Set<ControlSession>();
  const server = net.createServer((socket) => {
    const slot = admission.admit(normalizeIp(socket.remoteAddress ?? '') ?? String(socket.remoteAddress));
    if ('refusal' in slot) return refuse(socket, slot.refusal);
    sessions.add(new ControlSession(socket, services, slot, (session) => sessions.delete(session)));
  });
  // Refused connections are answered and closed at once; past twice the limit they are dropped unanswered.
  server.maxConnections = 2 * admission.limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('ftps: server error', { error: error.message }));
  const port = (server.address() as AddressInfo).port;
  logger.info('ftps: listening', { host: options.host, port, dataPorts: options.passivePortRange.join('-'), clientCertificates: requestClientCertificate, ...admission.limits, loginTimeoutMs: services.loginTimeoutMs });
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close(421, 'The server is shutting down');
      services.ports.closeAll();
      admission.close();
      await closed;
    },
  };
}

/** A connection over the limits hears why (421) before it is closed. */
function refuse(socket: net.Socket, text: string): void {
  socket.on('error', () => undefined);
  socket.end(formatReply(421, text));
  setTimeout(() => socket.destroy(), 1000).unref();
}
