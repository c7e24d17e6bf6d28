import { expect } from 'chai';
import { isSmtError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/logger';
import { LoginThrottle } from '../../../src/delivery/ftps/login-throttle';

const MINUTE = 60_000;

describe('delivery/ftps/LoginThrottle', () => {
  let now: number;
  let throttle: LoginThrottle;
  const locked = (user: string, ip: string): string | null => {
    try {
      throttle.check(user, ip);
      return null;
    } catch (error) {
      expect(isSmtError(error, 'AUTH_LOCKED')).to.equal(true);
      return (error as Error).message;
    }
  };

  beforeEach(() => {
    now = Date.parse('2025-07-01T12:00:00Z');
    throttle = new LoginThrottle(silentLogger(), { now: () => now });
  });

  it('locks a user name (any case) for 15 minutes after 5 failures in 15 minutes, from any address', () => {
    for (let i = 0; i < 4; i++) throttle.recordFailure('Demo REP', `203.0.113.${i}`, 'AUTH_PASSWORD_INVALID');
    expect(locked('demo rep', '198.51.100.1')).to.equal(null);
    throttle.recordFailure('DEMO REP', '203.0.113.9', 'AUTH_PASSWORD_INVALID');
    expect(locked('Demo REP', '198.51.100.1')).to.equal('Too many failed logins for this user name; try again after 2025-07-01T12:15:00.000Z (in about 15 min).');
    now += 15 * MINUTE - 1;
    expect(locked('Demo REP', '198.51.100.1')).to.not.equal(null);
    now += 1;
    expect(locked('Demo REP', '198.51.100.1')).to.equal(null);
  });

  it('locks an address after 5 failures whatever user names it tried', () => {
    for (const user of ['a', 'b', 'c', 'd', 'e']) throttle.recordFailure(user, '203.0.113.5', 'AUTH_PASSWORD_INVALID');
    expect(locked('Demo TDSP', '203.0.113.5')).to.contain('from this address');
    expect(locked('Demo TDSP', '203.0.113.6')).to.equal(null);
  });

  it('counts in a sliding window: failures older than 15 minutes no longer count', () => {
    for (let i = 0; i < 4; i++) {
      throttle.recordFailure('Demo REP', '203.0.113.1', 'AUTH_PASSWORD_INVALID');
      now += 5 * MINUTE;
    }
    throttle.recordFailure('Demo REP', '203.0.113.1', 'AUTH_PASSWORD_INVALID');
    expect(locked('Demo REP', '203.0.113.2')).to.equal(null);
  });

  it("forgets a user name's failures on success, but not the address's", () => {
    for (let i = 0; i < 4; i++) throttle.recordFailure('Demo REP', '203.0.113.1', 'AUTH_PASSWORD_INVALID');
    throttle.recordSuccess('demo rep');
    throttle.recordFailure('Demo REP', '203.0.113.2', 'AUTH_PASSWORD_INVALID');
    expect(locked('Demo REP', '198.51.100.1')).to.equal(null);
    throttle.recordFailure('Other', '203.0.113.1', 'AUTH_PASSWORD_INVALID');
    expect(locked('Anyone', '203.0.113.1')).to.contain('from this address');
  });
});
