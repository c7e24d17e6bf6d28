import { expect } from 'chai';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { AuditLog } from '../../src/portal/audit.log';
import { CliHarness } from '../support/cli-harness';

describe('smt audit', () => {
  const cli = new CliHarness('smt-audit-');
  after(() => cli.remove());

  before(async () => {
    const app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, SMT_LOG_LEVEL: 'error' }));
    let at = Date.parse('2026-12-01T10:00:00Z');
    const audit = new AuditLog(await app.db(), () => new Date((at += 1000)));
    await audit.record('LOGIN_FAILED', 'maria.lopez', '192.0.2.7', 'wrong password');
    await audit.record('LOGIN', 'maria.lopez', '192.0.2.7');
    await audit.record('EXPORT', 'demo-rep', '192.0.2.8', 'DAILY 10443720000000001 2026-11-01..2026-11-30 csv');
    await app.close();
  });

  it('prints the entries oldest first, and filters by event, user and count', async () => {
    const all = await cli.run('audit');
    expect(all.status).to.equal(0);
    expect(all.out.trim().split('\n').map((l) => l.split(/\s+/)[1])).to.deep.equal(['LOGIN_FAILED', 'LOGIN', 'EXPORT']);
    expect(all.out).to.contain('192.0.2.7').and.contain('wrong password');
    const failed = await cli.run('audit', '--event', 'login_failed', '--json');
    expect(failed.out.trim().split('\n').map((l) => JSON.parse(l))).to.deep.equal([
      { at: '2026-12-01T10:00:01.000Z', event: 'LOGIN_FAILED', login: 'maria.lopez', address: '192.0.2.7', detail: 'wrong password' }]);
    expect((await cli.run('audit', '--user', 'demo-rep')).out).to.contain('EXPORT').and.not.contain('maria');
    expect((await cli.run('audit', '--limit', '1')).out.trim().split('\n')).to.have.length(1);
  });

  it('refuses a limit that is not a whole number, with a clear message', async () => {
    const bad = await cli.run('audit', '--limit', 'lots');
    expect(bad.status).to.not.equal(0);
    expect(bad.err).to.contain('--limit "lots" is not a whole number');
  });
});
