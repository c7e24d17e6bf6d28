import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { CliHarness } from '../support/cli-harness';

const SMT = path.join(__dirname, '../../bin/smt');

describe('smt entity set-password', function () {
  this.timeout(60_000);
  const cli = new CliHarness('smt-password-');
  const secretFile = path.join(cli.dataDir, 'password.txt');

  before(async () => {
    expect((await cli.run('entity', 'add', '--type', 'REP', '--name', 'Acme Energy', '--duns', '300000001', '--ip', '127.0.0.1')).status).to.equal(0);
  });
  after(() => cli.remove());

  const login = async (user: string, password: string) => {
    const app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir }));
    try {
      return await (await app.ftpAccounts()).authenticateFtpUser(user, password, '127.0.0.1', null);
    } finally {
      await app.close();
    }
  };

  it('sets the password from a file (one trailing newline dropped) and never prints or logs it', async () => {
    fs.writeFileSync(secretFile, 'purple monkey dishwasher\n');
    const r = await cli.run('entity', 'set-password', 'Acme Energy', '--password-file', secretFile);
    expect(r.status, r.err).to.equal(0);
    expect(r.out).to.contain('FTPS password set for "Acme Energy"');
    expect(r.out + r.err).to.not.contain('purple');
    expect(fs.readFileSync(path.join(cli.dataDir, 'logs', 'smt.log'), 'utf8')).to.contain('ftps: password set').and.not.contain('purple');
    expect(await login('acme energy', 'purple monkey dishwasher')).to.include({ name: 'Acme Energy', kind: 'REP' });
  });

  it('refuses a password under 12 characters and an unknown name, changing nothing', async () => {
    fs.writeFileSync(secretFile, 'hunter2xyz\n');
    const short = await cli.run('entity', 'set-password', 'Acme Energy', '--password-file', secretFile);
    expect(short.status).to.equal(2);
    expect(short.err).to.contain('at least 12 characters').and.not.contain('hunter2');
    const unknown = await cli.run('entity', 'set-password', 'Nobody', '--password-file', secretFile);
    expect(unknown.status).to.equal(2);
    expect(unknown.err).to.contain('No participant is named "Nobody"');
    expect(await login('300000001', 'purple monkey dishwasher')).to.include({ name: 'Acme Energy' });
  });

  it('reads the password from stdin when it is not a terminal', async () => {
    const out = await new Promise<{ status: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [SMT, 'entity', 'set-password', 'Acme Energy'], { env: cli.childEnv() });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('close', (status) => resolve({ status, out: text }));
      child.stdin.end('a piped-in passphrase\n');
    });
    expect(out.status, out.out).to.equal(0);
    expect(out.out).to.contain('FTPS password replaced').and.not.contain('piped-in');
    expect(await login('Acme Energy', 'a piped-in passphrase')).to.include({ name: 'Acme Energy' });
  });
});
