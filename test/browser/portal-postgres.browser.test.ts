import { expect } from 'chai';
import { addDays } from '../../src/core/cpt';
import { AuditLog } from '../../src/portal/audit.log';
import { createTestDatabase } from '../support/postgres-database';
import { ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** The portal's tables on PostgreSQL: the migration, sessions, lockout and audit rows, a view, in the browser. */
describe('web portal on PostgreSQL', function () {
  this.timeout(180_000);
  let world: PortalWorld | undefined;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  before(async function () {
    database = await createTestDatabase('smt_portal');
    if (!database) return this.skip();
    world = await startPortalWorld({ SMT_DB_TYPE: 'postgres', SMT_DB_URL: database.url, SMT_PORTAL_ACCOUNT_MAX_FAILURES: '2' });
  });
  after(async () => {
    await stopPortalWorld(world);
    await database?.drop();
  });

  it('logs in, shows a daily view, locks an account and audits all of it', async () => {
    const w = world!;
    const page = await (await w.browser.createBrowserContext()).newPage();
    const logIn = async (login: string, password: string) => {
      await page.goto(`${w.portal.url}/login`);
      await page.type('#login', login);
      await page.type('#password', password);
      const [response] = await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
      return response!.status();
    };
    expect(await logIn('demo-regulator', w.logins['demo-regulator']!)).to.equal(200);
    const last = addDays(w.today, -1);
    expect((await page.goto(`${w.portal.url}/usage/${ESI.two}/daily?from=${addDays(last, -9)}&to=${last}`))!.status()).to.equal(200);
    expect(await page.$$eval('svg.chart rect.bar', (r) => r.length)).to.equal(10);
    const other = await (await w.browser.createBrowserContext()).newPage();
    await other.goto(`${w.portal.url}/login`);
    for (let i = 0; i < 2; i++) expect(await logIn('demo-rep', 'not-the-password-1')).to.be.oneOf([401, 429]);
    expect(await logIn('demo-rep', w.logins['demo-rep']!)).to.equal(429);
    const events = (await new AuditLog(await w.app.db()).read({ limit: 20 })).map((e) => `${e.event} ${e.login}`);
    expect(events).to.include.members(['LOGIN demo-regulator', 'LOGIN_FAILED demo-rep', 'LOGIN_LOCKED demo-rep']);
  });
});
