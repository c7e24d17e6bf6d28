import crypto from 'node:crypto';
import tls from 'node:tls';
import type { DataConnection } from './data-connection';

export interface SessionTlsOptions {
  certPem: string;
  keyPem: string;
  caPem?: string;
  requestClientCertificate: boolean;
}

/**
 * The TLS contexts of one control connection. Each control connection gets its own session
 * ticket keys, so only its own client can resume its session, and only on its own data
 * connections (what vsftpd's require_ssl_reuse gives a process per connection).
 * Without client certificates the data context holds no certificate at all: a data connection
 * can only resume the control connection's session, and a full handshake fails before the
 * server would hand a stranger a ticket of its own. With client certificates, a data connection
 * may also make a full handshake with the control connection's certificate.
 */
export interface SessionTls {
  control: tls.SecureContext;
  data: tls.SecureContext;
  requestClientCertificate: boolean;
}

// OpenSSL refuses resumption without an id context once client certificates are requested.
const SESSION_ID_CONTEXT = 'smt-platform-ftps';

export function sessionTlsFactory(options: SessionTlsOptions): () => SessionTls {
  const identity = { cert: options.certPem, key: options.keyPem, ca: options.caPem };
  return () => {
    const ticketKeys = crypto.randomBytes(48);
    const common = { minVersion: 'TLSv1.2' as const, sessionIdContext: SESSION_ID_CONTEXT, ticketKeys };
    return {
      control: tls.createSecureContext({ ...identity, ...common }),
      data: tls.createSecureContext(options.requestClientCertificate ? { ...identity, ...common } : common),
      requestClientCertificate: options.requestClientCertificate,
    };
  };
}

/**
 * Why a secured data connection does not belong to the control connection, or null when it does.
 * `controlFingerprint` is the control connection's client certificate (checked against the
 * client CA), or null without one. A resumed session carries the certificate it began with, so a
 * ticket a stranger got with another certificate (or none) is refused as well.
 */
export function dataConnectionRefusal(connection: DataConnection, controlFingerprint: string | null): string | null {
  if (controlFingerprint !== null) {
    const presented = connection.peerFingerprint;
    if (presented === controlFingerprint) return null;
    return presented === null
      ? 'it presented no client certificate and did not resume the control connection\'s TLS session'
      : 'it presented a client certificate other than the control connection\'s';
  }
  return connection.sessionReused ? null : 'it did not resume the control connection\'s TLS session';
}
