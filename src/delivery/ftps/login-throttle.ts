import { SmtError } from '../../core/errors';
import type { Logger } from '../../core/logger';

export interface LoginThrottleOptions {
  /** Failures within the window that lock the user name (or address). */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  now: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: Omit<LoginThrottleOptions, 'now'> = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** Beyond this many tracked names or addresses the oldest are forgotten, so a flood of made-up names cannot exhaust memory. */
const MAX_TRACKED = 10_000;

interface Counter {
  failures: number[];
  lockedUntil: number;
}

/**
 * Failed logins counted per user name and per source address in a sliding window. Either one
 * reaching the limit locks it for a while, even for the right password: guessing from many
 * addresses locks the name, guessing many names from one address locks the address.
 */
export class LoginThrottle {
  private readonly byUser = new Map<string, Counter>();
  private readonly byIp = new Map<string, Counter>();
  private readonly options: LoginThrottleOptions;

  constructor(private readonly logger: Logger, options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, now: Date.now, ...options };
  }

  /** Throws AUTH_LOCKED, saying until when, while the user name or the address is locked. */
  check(user: string, ip: string): void {
    const now = this.options.now();
    const userLock = lockedUntil(this.byUser.get(userKey(user)), now);
    const ipLock = lockedUntil(this.byIp.get(ip), now);
    if (userLock === 0 && ipLock === 0) return;
    const until = Math.max(userLock, ipLock);
    const minutes = Math.ceil((until - now) / 60_000);
    const what = userLock > 0 ? 'for this user name' : 'from this address';
    this.logger.warn('ftps: login refused', { user: shown(user), ip, reason: 'AUTH_LOCKED', lockedUntil: new Date(until).toISOString() });
    throw new SmtError('AUTH_LOCKED', `Too many failed logins ${what}; try again after ${new Date(until).toISOString()} (in about ${minutes} min).`, { until: new Date(until).toISOString() });
  }

  /** Counts a refused login (wrong password, unregistered address, missing certificate) and logs it; never sees the password. */
  recordFailure(user: string, ip: string, reason: string): void {
    const now = this.options.now();
    const forUser = this.count(this.byUser, userKey(user), now);
    const fromIp = this.count(this.byIp, ip, now);
    const locked = Math.max(forUser.lockedUntil, fromIp.lockedUntil);
    this.logger.warn('ftps: login failed', {
      user: shown(user), ip, reason, failuresForUser: forUser.failures.length, failuresFromIp: fromIp.failures.length,
      ...(locked > now ? { lockedUntil: new Date(locked).toISOString() } : {}),
    });
  }

  /** A successful login forgets the user name's failures; the address keeps its count. */
  recordSuccess(user: string): void {
    this.byUser.delete(userKey(user));
  }

  private count(map: Map<string, Counter>, key: string, now: number): Counter {
    const counter = map.get(key) ?? { failures: [], lockedUntil: 0 };
    map.delete(key);
    counter.failures = counter.failures.filter((t) => t > now - this.options.windowMs);
    counter.failures.push(now);
    if (counter.failures.length >= this.options.maxFailures && counter.lockedUntil <= now) {
      counter.lockedUntil = now + this.options.lockMs;
    }
    // Re-inserted so that the map's order is least recently failed first.
    map.set(key, counter);
    if (map.size > MAX_TRACKED) this.prune(map, now);
    return counter;
  }

  /** Forgets the least recently failed entries, unlocked ones first, so that a flood of names does not unlock the name it targets. */
  private prune(map: Map<string, Counter>, now: number): void {
    for (const [key, counter] of map) {
      if (map.size <= MAX_TRACKED) return;
      if (counter.lockedUntil <= now) map.delete(key);
    }
    for (const key of map.keys()) {
      if (map.size <= MAX_TRACKED) return;
      map.delete(key);
    }
  }
}

function lockedUntil(counter: Counter | undefined, now: number): number {
  return counter !== undefined && counter.lockedUntil > now ? counter.lockedUntil : 0;
}

/** User names are case-insensitive, so their failures count together. */
function userKey(user: string): string {
  return user.trim().toLowerCase();
}

/** What a client typed as its user name, bounded for the log. */
function shown(user: string): string {
  return user.length > 100 ? `${user.slice(0, 100)}...` : user;
}
