import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { AccountsService, type Registration } from '../../src/portal/accounts.service';
import { AuditLog } from '../../src/portal/audit.log';
import { LoginGuard } from '../../src/portal/login-guard';
import type { MailMessage } from '../../src/portal/mailer';
import { ensureDevelopmentSetup } from '../../src/security/development-setup';

/** Guessing meter numbers at registration locks the address, as guessing passwords does. */
describe('portal meter checks and the address lockout', function () {
  this.timeout(60_000);
  let app: App;
  let accounts: AccountsService;
  let guard: LoginGuard;
  const sent: MailMessage[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-guess-'));

  before(async () => {
    app = createApp(loadConfig({ SMT_DATA_DIR: dir, SMT_LOG_LEVEL: 'error' }));
    await ensureDevelopmentSetup(app);
    const db = await app.db();
    guard = new LoginGuard(db, app.logger, { accountMaxFailures: 5, addressMaxFailures: 3, lockMs: 60_000, windowMs: 60_000 });
    accounts = new AccountsService(db, await app.registry(), guard, { send: async (m) => void sent.push(m) }, new AuditLog(db), () => 'https://localhost:8444');
  });
  after(async () => {
    await guard.close();
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const form = (login: string, meterNumber: string): Registration => ({ firstName: 'Ana', middleInitial: '', lastName: 'Ruiz', suffix: '', phone: '', email: 'ana@example.test',
    emailAgain: 'ana@example.test', language: 'en', login, password: 'Guess-me-not-7', esiid: '10443720000000003', meterNumber, acceptedTerms: true });

  it('refuses the right pair from an address that guessed wrong too often, and takes it from another address', async () => {
    for (const guess of ['0000001', '0000002', '0000004']) expect(await accounts.register(form('ana.ruiz', guess), '192.0.2.50')).to.deep.equal({ fields: {}, cr001: true });
    expect(await accounts.register(form('ana.ruiz', '0000003'), '192.0.2.50')).to.deep.equal({ fields: {}, cr001: true });
    expect(sent).to.have.length(0);
    expect(await accounts.register(form('ana.ruiz', 'M0000003'), '192.0.2.51')).to.equal(null);
    expect(sent.map((m) => m.to)).to.deep.equal(['ana@example.test']);
    const refused = await new AuditLog(await app.db()).read({ limit: 10, event: 'METER_REFUSED' });
    expect(refused.map((e) => e.detail)).to.have.length(4);
    expect(refused[3]!.detail).to.match(/^registration: address locked until /);
  });
});
