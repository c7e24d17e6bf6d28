import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import type { StartedPortal } from '../../src/portal/portal.wiring';
import { ensureDevelopmentSetup } from '../../src/security/development-setup';
import { CliHarness } from '../support/cli-harness';
import { portalLogin } from '../support/portal-client';

describe('smt portal-user', function () {
  this.timeout(120_000);
  const cli = new CliHarness('smt-portal-user-');
  const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-user-pw-'));
  const passwordFile = (name: string, password: string) => {
    const file = path.join(secrets, name);
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    return file;
  };
  const PASSWORD = 'Rep-admin-2026';
  const rep = ['--participant', 'Demo REP', '--first-name', 'Ana', '--last-name', 'Ruiz'];
  let app: App | undefined;
  let portal: StartedPortal;

  before(async () => {
    const setup = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, SMT_LOG_LEVEL: 'error' }));
    await ensureDevelopmentSetup(setup);
    await setup.close();
  });
  after(async () => {
    await app?.close();
    cli.remove();
    fs.rmSync(secrets, { recursive: true, force: true });
  });

  it('adds a REP administrator, lists it, and the account logs in to the real portal until disabled', async () => {
    const added = await cli.run('portal-user', 'add', ...rep, '--admin', '--user-id', 'Rep.Admin', '--email', 'ana@rep.example', '--password-file', passwordFile('ok', PASSWORD));
    expect(added.status, added.err).to.equal(0);
    expect(added.out).to.contain('"rep.admin" created: administrator of REP "Demo REP"');
    const regulator = await cli.run('portal-user', 'add', '--regulator', '--user-id', 'puc.analyst', '--email', 'lee@puc.example', '--first-name', 'Lee', '--last-name', 'Park', '--password-file', passwordFile('reg', 'Regulate-77'));
    expect(regulator.status, regulator.err).to.equal(0);

    const listed = await cli.run('portal-user', 'list', '--participant', 'Demo REP', '--json');
    expect(listed.out.trim().split('\n').map((l) => JSON.parse(l))).to.deep.include.members([
      { login: 'rep.admin', kind: 'REP', participant: 'Demo REP', admin: true, status: 'ACTIVE', functions: 'USAGE,HAN,MESSAGE_LOG', name: 'Ana Ruiz', email: 'ana@rep.example', createdAt: JSON.parse(listed.out.split('\n')[0]!).createdAt }]);
    expect(listed.out).to.not.contain('puc.analyst');
    expect((await cli.run('portal-user', 'list')).out).to.match(/rep\.admin\s+REP\s+Demo REP\s+admin\s+ACTIVE\s+USAGE,HAN,MESSAGE_LOG\s/).and.match(/puc\.analyst\s+REGULATOR\s+-\s+user/);

    app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, SMT_PORTAL_PORT: '0', SMT_LOG_LEVEL: 'error' }));
    portal = await app.startPortal();
    expect(await portalLogin(portal, 'rep.admin', PASSWORD)).to.equal(303);
    expect(await portalLogin(portal, 'puc.analyst', 'Regulate-77')).to.equal(303);

    const disabled = await cli.run('portal-user', 'disable', 'rep.admin');
    expect(disabled.status, disabled.err).to.equal(0);
    expect(disabled.out).to.contain('"rep.admin" disabled');
    expect(await portalLogin(portal, 'rep.admin', PASSWORD)).to.equal(401);
    expect((await cli.run('portal-user', 'list', '--participant', 'Demo REP')).out).to.match(/rep\.admin .*DISABLED/);

    const audit = await cli.run('audit', '--json');
    const entries = audit.out.trim().split('\n').map((l) => JSON.parse(l) as { event: string; login: string; detail: string });
    const operator = os.userInfo().username;
    expect(entries.find((e) => e.event === 'USER_ADDED' && e.login === 'rep.admin')!.detail).to.equal(`administrator of REP "Demo REP", by OS user ${operator}`);
    expect(entries.find((e) => e.event === 'USER_DISABLED')!.detail).to.equal(`by OS user ${operator}`);
    expect(entries.find((e) => e.event === 'LOGIN_FAILED' && e.login === 'rep.admin')!.detail).to.equal('account disabled');
    expect(audit.out).to.not.contain(PASSWORD).and.not.contain('Regulate-77');
  });

  it('refuses an unknown participant, a taken user ID and a weak password with exit status 2, creating nothing', async () => {
    const good = passwordFile('good', 'Another-pass-9');
    const unknown = await cli.run('portal-user', 'add', '--participant', 'Nobody Energy', '--user-id', 'new.user', '--email', 'n@x.example', '--first-name', 'N', '--last-name', 'U', '--password-file', good);
    expect(unknown.status).to.equal(2);
    expect(unknown.err).to.contain('No participant is named "Nobody Energy"').and.contain('smt entity list');
    const taken = await cli.run('portal-user', 'add', ...rep, '--user-id', 'REP.ADMIN', '--email', 'n@x.example', '--password-file', good);
    expect(taken.status).to.equal(2);
    expect(taken.err).to.contain('The user ID "rep.admin" is taken; choose another');
    const weak = await cli.run('portal-user', 'add', ...rep, '--user-id', 'rep.clerk', '--email', 'n@x.example', '--password-file', passwordFile('weak', 'password'));
    expect(weak.status).to.equal(2);
    expect(weak.err).to.contain('at least one letter and one digit');
    const containsId = await cli.run('portal-user', 'add', ...rep, '--user-id', 'rep.clerk', '--email', 'n@x.example', '--password-file', passwordFile('id', 'rep.clerk-1'));
    expect(containsId.status).to.equal(2);
    expect(containsId.err).to.contain('must not contain your user ID');
    const neither = await cli.run('portal-user', 'add', '--user-id', 'rep.clerk', '--email', 'n@x.example', '--first-name', 'N', '--last-name', 'U', '--password-file', good);
    expect(neither.status).to.equal(2);
    expect(neither.err).to.contain('Give --participant NAME').and.contain('--regulator');
    const unknownUser = await cli.run('portal-user', 'disable', 'no.such.user');
    expect(unknownUser.status).to.equal(2);
    expect(unknownUser.err).to.contain('No REP, TDSP or regulatory portal user has the user ID "no.such.user"');
    expect((await cli.run('portal-user', 'list')).out).to.not.contain('rep.clerk').and.not.contain('new.user');
  });
});
