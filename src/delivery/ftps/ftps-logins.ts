import { errorMessage, isSmtError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import { FtpReplyError } from './ftp-protocol';

export type Authenticate = (user: string, password: string, ip: string, certFingerprint: string | null) => Promise<FtpAccount>;

/**
 * One reply for every refused login (unknown user, wrong password, unregistered address, locked,
 * certificate): a prober learns nothing, not even that a password was right. Why is in the log.
 */
export const LOGIN_REFUSED = 'Login incorrect: wrong user name or password, or not allowed from here now (the operator\'s log says why)';

/** The login gate of one server: the account check (address, lockout, password: see authenticate), one reply for every refusal, and the limit on sessions per account. */
export class FtpsLogins {
  private readonly sessions = new Map<number, number>();

  constructor(
    private readonly authenticate: Authenticate,
    private readonly logger: Logger,
    private readonly limits: { maxSessionsPerAccount: number },
  ) {}

  /** The account, or a 530 saying why not. A successful login holds one session of the account until logOut. */
  async logIn(user: string, password: string, ip: string, certFingerprint: string | null): Promise<FtpAccount> {
    let account: FtpAccount;
    try {
      account = await this.authenticate(user, password, ip, certFingerprint);
    } catch (error) {
      if (isSmtError(error) && error.code.startsWith('AUTH_')) {
        const message = error.code === 'AUTH_LOCKED' ? 'ftps: login refused' : 'ftps: login failed';
        this.logger.warn(message, { user: shown(user), ip, reason: error.code, why: error.message, ...error.details });
        throw new FtpReplyError(530, LOGIN_REFUSED);
      }
      this.logger.error('ftps: login could not be checked', { user: shown(user), ip, error: errorMessage(error) });
      throw new FtpReplyError(530, 'The login could not be checked (the failure is logged); try again later');
    }
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

/** What a client typed as its user name, bounded for the log. */
function shown(user: string): string {
  return user.length > 100 ? `${user.slice(0, 100)}...` : user;
}
