import type { X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import type { Logger } from '../../core/logger';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import type { FtpsLogins } from './ftps-logins';
import type { PassivePortPool } from './passive-ports';

/** What every control session of one server shares. */
export interface SessionServices {
  secureContext: tls.SecureContext;
  requestClientCertificate: boolean;
  /** What a client certificate must be issued by to identify anyone. */
  clientCas: X509Certificate[];
  ports: PassivePortPool;
  logins: FtpsLogins;
  realRoot: string;
  maxUploadBytes: number;
  idleTimeoutMs: number;
  onUpload(account: FtpAccount, duns: string, path: string): void;
  logger: Logger;
}
