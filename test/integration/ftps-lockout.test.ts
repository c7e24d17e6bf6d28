import type { Client } from 'basic-ftp';
import { expect } from 'chai';
import { expectFtpError, FtpsHarness, REP_DUNS, TDSP_DUNS } from '../support/ftps-harness';

/**
 * Lockout semantics (issue 11, item 10): failures count per participant (every name it logs in
 * with) and per source address; a stranger cannot lock a participant out of its registered
 * addresses, and every refusal reads the same. Each test uses its own loopback source addresses
 * (127.0.0.x), since locks live in the database and outlast a test.
 */
describe('FTPS lockout: per participant and per address, the same reply for every refusal', function () {
  this.timeout(120_000);
  const harness = new FtpsHarness();
  const open: Client[] = [];
  const login = async (user: string, password: string, from: string, port = harness.server.port) => {
    const client = await harness.client(user, password, { port, from });
    open.push(client);
    return client;
  };
  let wrongPasswordReply: string;

  before(async () => {
    await harness.start();
    const credentials = await harness.app.credentials();
    await credentials.setIps('Demo REP', ['127.0.0.1', '127.0.0.6']);
    await credentials.setIps('Demo TDSP', ['127.0.0.1', '127.0.0.4', '127.0.0.5']);
    wrongPasswordReply = await expectFtpError(login('Demo REP', 'not the password at all', '127.0.0.1'), 530);
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  after(() => harness.stop());

  it('does not let wrong passwords from an unregistered address lock the participant out of its registered address', async () => {
    for (let i = 0; i < 8; i++) {
      const user = i % 2 === 0 ? 'Demo REP' : REP_DUNS;
      expect(await expectFtpError(login(user, `wrong password ${i}`, '127.0.0.2'), 530), `attempt ${i + 1}`).to.equal(wrongPasswordReply);
    }
    // The stranger's address is locked now: even the right password from there reads like a wrong one.
    expect(await expectFtpError(login('Demo REP', harness.rep.password, '127.0.0.2'), 530)).to.equal(wrongPasswordReply);
    const client = await login('Demo REP', harness.rep.password, '127.0.0.1');
    expect((await client.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
    const lines = (await harness.logLines()).filter((l) => l.ip === '127.0.0.2' && String(l.message).startsWith('ftps: login'));
    expect(lines.map((l) => l.reason)).to.include('AUTH_IP_NOT_REGISTERED').and.to.include('AUTH_LOCKED');
  });

  it('answers the right password from an unregistered address exactly as a wrong one', async () => {
    const right = await expectFtpError(login('Demo REP', harness.rep.password, '127.0.0.3'), 530);
    const wrong = await expectFtpError(login('Demo REP', 'not the password at all', '127.0.0.3'), 530);
    const unknown = await expectFtpError(login('Nobody Inc', 'not the password at all', '127.0.0.3'), 530);
    expect(right).to.equal(wrongPasswordReply);
    expect(wrong).to.equal(wrongPasswordReply);
    expect(unknown).to.equal(wrongPasswordReply);
    expect(right).to.not.contain('127.0.0.3').and.not.contain('registered');
  });

  it('counts the name and the DUNS alias together, locks the participant at its registered addresses, and keeps the lock across a restart', async () => {
    // 3 + 2 failures from two registered addresses: neither address reaches 5, the participant does.
    for (let i = 0; i < 3; i++) await expectFtpError(login('Demo TDSP', `wrong password ${i}`, '127.0.0.4'), 530);
    for (let i = 0; i < 2; i++) await expectFtpError(login(TDSP_DUNS, `wrong password ${i}`, '127.0.0.5'), 530);
    const locked = await expectFtpError(login('demo tdsp', harness.tdsp.password, '127.0.0.1'), 530);
    expect(locked, 'the locked reply does not tell a prober the password was right').to.equal(wrongPasswordReply);
    await expectFtpError(login(TDSP_DUNS, harness.tdsp.password, '127.0.0.1'), 530);
    // Another participant at the same registered address is not affected.
    await login('Demo REP', harness.rep.password, '127.0.0.1');

    // A second FTPS server (another `smt serve`, or this one restarted) on the same database keeps the lock.
    const app = harness.newApp();
    const restarted = await app.startFtpsServer(() => undefined);
    expect(await expectFtpError(login('Demo TDSP', harness.tdsp.password, '127.0.0.1', restarted.port), 530)).to.equal(wrongPasswordReply);
    const refused = (await harness.logLines()).filter((l) => l.message === 'ftps: login refused' && l.reason === 'AUTH_LOCKED' && l.entity === 'Demo TDSP');
    expect(refused.map((l) => l.user)).to.deep.equal(['demo tdsp', TDSP_DUNS, 'Demo TDSP']);
  });

  it('locks an address that fails with many names, without locking those participants elsewhere', async () => {
    for (let i = 0; i < 5; i++) await expectFtpError(login(`Nobody ${i}`, 'not the password at all', '127.0.0.6'), 530);
    expect(await expectFtpError(login('Demo REP', harness.rep.password, '127.0.0.6'), 530)).to.equal(wrongPasswordReply);
    await login('Demo REP', harness.rep.password, '127.0.0.1');
  });
});
