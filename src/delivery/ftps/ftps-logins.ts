import { errorMessage, isSmtError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import { FtpReplyError } from './ftp-protocol';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle';

export type Authenticate = (user: string, password: string, ip: string, certFingerprint: string | null) => Promise<FtpAccount>;

/** The login gate of one server: throttling, the account check, and the limit on sessions per account. */
export class FtpsLogins {
  private readonly throttle: LoginThrottle;
  private readonly sessions = new Map<number, number>();

  constructor(
    private readonly authenticate: Authenticate,
    private readonly logger: Logger,
    private readonly limits: { maxSessionsPerAccount: number; throttle?: Partial<LoginThrottleOptions> },
  ) {
    this.throttle = new LoginThrottle(logger, limits.throttle);
  }

  /** The account, or a 530 saying why not. A successful login holds one session of the account until logOut. */
  async logIn(user: string, password: string, ip: string, certFingerprint: string | null): Promise<FtpAccount> {
    let account: FtpAccount;
    try {
      this.throttle.check(user, ip);
      account = await this.authenticate(user, password, ip, certFingerprint);
    } catch (error) {
      if (isSmtError(error) && error.code === 'AUTH_LOCKED') throw new FtpReplyError(530, error.message);
      if (isSmtError(error) && error.code.startsWith('AUTH_')) {
        this.throttle.recordFailure(user, ip, error.code);
        throw new FtpReplyError(530, error.message);
      }
      this.logger.error('ftps: login could not be checked', { user, ip, error: errorMessage(error) });
      throw new FtpReplyError(530, 'The login could not be checked (the failure is logged); try again later');
    }
    this.throttle.recordSuccess(user);
    const open = this.sessions.get(account.participantId) ?? 0;
    if (open >= this.limits.maxSessionsPerAccount) {
      this.logger.warn('ftps: login refused', { participant: account.name, user, ip, reason: 'too many sessions', sessions: open });
      throw new FtpReplyError(530, `${account.name} already has ${open} FTPS sessions open (at most ${this.limits.maxSessionsPerAccount}); close one and log in again`);
    }
    this.sessions.set(account.participantId, open + 1);
    this.logger.info('ftps: login', { participant: account.name, kind: account.kind, user, ip, duns: account.duns, certificate: certFingerprint !== null });
    return account;
  }

  logOut(account: FtpAccount): void {
    const open = (this.sessions.get(account.participantId) ?? 1) - 1;
    if (open > 0) this.sessions.set(account.participantId, open);
    else this.sessions.delete(account.participantId);
  }
}
