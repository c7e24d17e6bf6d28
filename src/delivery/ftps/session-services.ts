import type { X509Certificate } from 'node:crypto';
import type { Logger } from '../../core/logger';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import type { FtpsLogins } from './ftps-logins';
import type { PassivePortPool } from './passive-ports';
import type { SessionTls } from './session-tls';

/** What every control session of one server shares. */
export interface SessionServices {
  /** Fresh TLS contexts (own session ticket keys) for each control connection that sends AUTH TLS. */
  newSessionTls(): SessionTls;
  /** What a client certificate must be issued by to identify anyone. */
  clientCas: X509Certificate[];
  ports: PassivePortPool;
  logins: FtpsLogins;
  realRoot: string;
  maxUploadBytes: number;
  idleTimeoutMs: number;
  /** From connecting to a successful PASS (AUTH TLS included); then the connection is closed with 421. */
  loginTimeoutMs: number;
  onUpload(account: FtpAccount, duns: string, path: string): void;
  logger: Logger;
}
