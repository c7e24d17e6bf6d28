import type { DataSource } from 'typeorm';
import type { Logger } from '../core/logger';
import { addressSubject, LoginThrottle } from '../security/login-throttle';

/**
 * Portal lockout on the platform's login throttle (the same tables and sliding window as FTPS):
 * one throttle counts failures per user ID, another per address with its own, higher limit, so a
 * shared office address is not locked as soon as one account is. Portal subjects carry their own
 * prefixes, so FTPS and portal failures never count against each other; address rows stay under
 * the throttle's cap on address rows.
 */
export class LoginGuard {
  private readonly accounts: LoginThrottle;
  private readonly addresses: LoginThrottle;

  constructor(db: DataSource, logger: Logger, limits: { accountMaxFailures: number; addressMaxFailures: number; lockMs: number; windowMs: number }) {
    this.accounts = new LoginThrottle(db, logger, { maxFailures: limits.accountMaxFailures, lockMs: limits.lockMs, windowMs: limits.windowMs });
    this.addresses = new LoginThrottle(db, logger, { maxFailures: limits.addressMaxFailures, lockMs: limits.lockMs, windowMs: limits.windowMs });
  }

  /** When the user ID or the address is locked, until when. */
  async lockedUntil(login: string, address: string): Promise<Date | null> {
    const [a, b] = await Promise.all([this.accounts.lockedUntil([accountSubject(login)]), this.addresses.lockedUntil([portalAddress(address)])]);
    return a && b ? (a > b ? a : b) : a ?? b;
  }

  /** Counts a failure against both; returns the lock it caused, if any. */
  async failed(login: string, address: string): Promise<Date | null> {
    const [a, b] = await Promise.all([this.accounts.recordFailure([accountSubject(login)]), this.addresses.recordFailure([portalAddress(address)])]);
    return a.lockedUntil ?? b.lockedUntil;
  }

  /** Meter checks (registration, Add a Smart Meter) count per address only: guessing meter numbers locks the address. */
  async addressLockedUntil(address: string): Promise<Date | null> {
    return this.addresses.lockedUntil([portalAddress(address)]);
  }

  async addressFailed(address: string): Promise<Date | null> {
    return (await this.addresses.recordFailure([portalAddress(address)])).lockedUntil;
  }

  async succeeded(login: string): Promise<void> {
    await this.accounts.recordSuccess(accountSubject(login));
  }

  async close(): Promise<void> {
    await Promise.all([this.accounts.close(), this.addresses.close()]);
  }
}

function accountSubject(login: string): string {
  return `portal-user:${login.toLowerCase()}`.slice(0, 80);
}

function portalAddress(address: string): string {
  return addressSubject(`portal/${address}`);
}
