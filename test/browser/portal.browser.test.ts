import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { addDays } from '../../src/core/cpt';
import { AuditLog } from '../../src/portal/audit.log';
import { CR001_INTRO, CR001_REASONS } from '../../src/portal/meter-check';
import { csvChunk } from '../../src/usage/report-csv';
import { reportHeader, reportSections } from '../../src/usage/report.generator';
import { DEMO_REP, ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** The portal in Debian's chromium: registration, CR001, login and lockout, the three views, CSV, access rules, CSRF. */
describe('web portal in a real browser', function () {
  this.timeout(180_000);
  let world: PortalWorld;
  let shot = 0;

  before(async () => {
    world = await startPortalWorld({ SMT_PORTAL_ACCOUNT_MAX_FAILURES: '3' });
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await stopPortalWorld(world);
  });

  async function newPage(): Promise<Page> {
    const context = await world.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    return page;
  }
  async function snap(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(world.shots, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: false });
  }
  async function go(page: Page, pathAndQuery: string): Promise<number> {
    const response = await page.goto(`${world.portal.url}${pathAndQuery}`, { waitUntil: 'load' });
    return response!.status();
  }
  async function logIn(page: Page, login: string, password: string): Promise<number> {
    await go(page, '/login');
    await page.type('#login', login);
    await page.type('#password', password);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    return response!.status();
  }
  const bars = (page: Page) => page.$$eval('svg.chart rect.bar', (r) => r.length);
  const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLElement).innerText);

  it('registers a customer: CR001 for a wrong meter number, then the confirmation link from the mail catcher, then login', async () => {
    const page = await newPage();
    await go(page, '/register');
    const fill = async (meterNumber: string) => {
      for (const [id, value] of Object.entries({ firstName: 'Maria', lastName: 'Lopez', email: 'maria@example.test', emailAgain: 'maria@example.test', login: 'maria.lopez', password: 'Sunny-day-42', esiid: ESI.two, meterNumber })) {
        await page.$eval(`#${id}`, (e) => ((e as HTMLInputElement).value = ''));
        await page.type(`#${id}`, value);
      }
      if (!(await page.$eval('#acceptedTerms', (e) => (e as HTMLInputElement).checked))) await page.click('#acceptedTerms');
      await Promise.all([page.waitForNavigation(), page.click('#register-submit')]);
    };
    await fill('0000009');
    await snap(page, 'register-cr001');
    const cr001 = await text(page, '#cr001');
    expect(cr001).to.contain(CR001_INTRO);
    for (const reason of CR001_REASONS) expect(cr001).to.contain(reason);
    expect(cr001.toLowerCase()).not.to.match(/meter number (is|was) (wrong|incorrect)|esi id (is|was) (wrong|incorrect|unknown)/);
    await fill('0000002');
    expect(await page.$('#registered')).to.not.equal(null);
    expect(await logIn(page, 'maria.lopez', 'Sunny-day-42')).to.equal(401);
    await go(page, '/dev/mail');
    await snap(page, 'dev-mail');
    await Promise.all([page.waitForNavigation(), page.click('#mail a')]);
    await Promise.all([page.waitForNavigation(), page.click('a.mail-link')]);
    expect(await page.$('#confirmed')).to.not.equal(null);
    expect(await logIn(page, 'maria.lopez', 'Sunny-day-42')).to.equal(200);
    expect(await text(page, '#meters')).to.contain(ESI.two);
    await snap(page, 'my-meters');
  });

  it('adds a smart meter (CR001 when it does not match) and shows it from the start of the current REP-of-record stretch only', async () => {
    const page = await newPage();
    expect(await logIn(page, 'maria.lopez', 'Sunny-day-42')).to.equal(200);
    const add = async (esiid: string, meterNumber: string) => {
      await go(page, '/meters/add');
      await page.type('#esiid', esiid);
      await page.type('#meterNumber', meterNumber);
      await Promise.all([page.waitForNavigation(), page.click('#add-meter button')]);
    };
    await add('10443720000000099', '0000006');
    expect(await text(page, '#cr001')).to.contain(CR001_REASONS[1]);
    await add(ESI.moving, 'M0000006');
    expect(await text(page, '#meters')).to.contain(ESI.moving);
    await go(page, `/usage/${ESI.moving}/daily?from=${addDays(world.today, -20)}&to=${addDays(world.today, -1)}`);
    expect(await bars(page)).to.equal(10);
    const rows = await page.$$eval('#usage tbody tr:not(.nodata)', (r) => r.map((e) => (e as HTMLElement).innerText));
    expect(rows[0]).to.contain(`${world.switchDay.slice(5, 7)}/${world.switchDay.slice(8, 10)}/${world.switchDay.slice(0, 4)}`);
    await snap(page, 'customer-added-meter');
  });

  it('changes a password from the profile (other sessions end, this one goes on) and emails a forgotten user ID', async () => {
    const other = await newPage();
    expect(await logIn(other, 'maria.lopez', 'Sunny-day-42')).to.equal(200);
    const page = await newPage();
    expect(await logIn(page, 'maria.lopez', 'Sunny-day-42')).to.equal(200);
    await go(page, '/profile');
    expect(await text(page, '#profile')).to.contain('maria@example.test');
    await page.type('#current', 'Not-my-password-1');
    await page.type('#new-password', 'Rainy-day-43');
    await Promise.all([page.waitForNavigation(), page.click('#change-password button')]);
    expect(await text(page, '#password-problem')).to.contain('current password is not correct');
    await page.type('#current', 'Sunny-day-42');
    await page.type('#new-password', 'Rainy-day-43');
    await Promise.all([page.waitForNavigation(), page.click('#change-password button')]);
    expect(await page.$('#password-changed')).to.not.equal(null);
    await snap(page, 'password-changed');
    await other.goto(`${world.portal.url}/meters`);
    expect(new URL(other.url()).pathname).to.equal('/login');
    expect(await go(page, '/meters')).to.equal(200);
    expect(new URL(page.url()).pathname).to.equal('/meters');
    await go(page, '/forgot-user-id');
    await page.type('#email', 'maria@example.test');
    await Promise.all([page.waitForNavigation(), page.click('main form button')]);
    await go(page, '/dev/mail');
    await Promise.all([page.waitForNavigation(), page.click('#mail a')]);
    expect(await text(page, '#message')).to.contain('Subject: Smart Meter Texas: your user ID').and.contain('maria.lopez');
  });

  it('resets a forgotten password through the emailed link; the old password stops working', async () => {
    const before = await newPage();
    expect(await logIn(before, 'demo-regulator', world.logins['demo-regulator']!)).to.equal(200);
    const page = await newPage();
    await go(page, '/forgot-password');
    await page.type('#who', 'demo-regulator');
    await Promise.all([page.waitForNavigation(), page.click('form button')]);
    await go(page, '/dev/mail');
    expect(await text(page, '#mail')).to.contain('reset your password');
    await Promise.all([page.waitForNavigation(), page.click('#mail a')]);
    await Promise.all([page.waitForNavigation(), page.click('a.mail-link')]);
    await page.type('#password', 'short1');
    await Promise.all([page.waitForNavigation(), page.click('main form button')]);
    expect(await text(page, 'main')).to.contain('8 to 64 characters');
    await page.type('#password', 'New-regulator-pass-9');
    await Promise.all([page.waitForNavigation(), page.click('main form button')]);
    expect(await text(page, 'main')).to.contain('Your password is changed');
    await before.goto(`${world.portal.url}/meters`);
    expect(new URL(before.url()).pathname).to.equal('/login');
    expect(await logIn(page, 'demo-regulator', world.logins['demo-regulator']!)).to.equal(401);
    expect(await logIn(page, 'demo-regulator', 'New-regulator-pass-9')).to.equal(200);
    world.logins['demo-regulator'] = 'New-regulator-pass-9';
  });

  it('answers every page with the security headers and a Secure HttpOnly SameSite=Lax session cookie', async () => {
    const page = await newPage();
    const response = (await page.goto(`${world.portal.url}/login`))!;
    const headers = response.headers();
    expect(headers['content-security-policy']).to.contain("script-src 'self'").and.contain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).to.equal('DENY');
    expect(headers['x-content-type-options']).to.equal('nosniff');
    expect(headers['referrer-policy']).to.equal('no-referrer');
    expect(headers['strict-transport-security']).to.match(/max-age=\d+/);
    const cookie = (await page.cookies()).find((c) => c.name === '__Host-smt-session')!;
    expect(cookie).to.include({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('locks an account after the failures allowed, even for the right password, and audits it', async () => {
    const page = await newPage();
    for (let i = 0; i < 3; i++) expect(await logIn(page, 'demo-tdsp', 'wrong-password-1')).to.be.oneOf([401, 429]);
    expect(await logIn(page, 'demo-tdsp', world.logins['demo-tdsp']!)).to.equal(429);
    expect(await text(page, '#login-problem')).to.match(/locked until/);
    await snap(page, 'login-locked');
    const audit = await new AuditLog(await world.app.db()).read({ limit: 50, login: 'demo-tdsp' });
    expect(audit.filter((e) => e.event === 'LOGIN_FAILED')).to.have.length(3);
    expect(audit.map((e) => e.event)).to.include('LOGIN_LOCKED');
    expect(audit.map((e) => e.event)).not.to.include('LOGIN');
  });

  it('shows each view with its chart: 96 bars a day, 92 and 100 on DST days, days without data as such', async () => {
    const page = await newPage();
    expect(await logIn(page, 'demo-customer', world.logins['demo-customer']!)).to.equal(200);
    const last = addDays(world.today, -1);
    expect(await go(page, `/usage/${ESI.one}/interval?from=${addDays(last, -1)}&to=${last}`)).to.equal(200);
    expect(await bars(page)).to.equal(192);
    expect(await page.$$eval('svg.chart rect.bar.est', (r) => r.length)).to.equal(18);
    await snap(page, 'interval-2-days');
    await go(page, `/usage/${ESI.one}/interval?from=${world.dstDays.springForward}&to=${world.dstDays.springForward}`);
    expect(await bars(page)).to.equal(92);
    await go(page, `/usage/${ESI.one}/interval?from=${world.dstDays.fallBack}&to=${world.dstDays.fallBack}`);
    expect(await bars(page)).to.equal(100);
    await snap(page, 'interval-fall-back');
    expect(await go(page, `/usage/${ESI.one}/interval?from=${addDays(last, -40)}&to=${last}`)).to.equal(400);
    expect(await text(page, '#range-problem')).to.contain('40 days');
    await go(page, `/usage/${ESI.one}/daily?from=${addDays(last, -49)}&to=${last}`);
    expect(await bars(page)).to.equal(45);
    const noData = await page.$$eval('tr.nodata', (r) => r.map((e) => (e as HTMLElement).innerText));
    expect(noData.filter((t) => /no data/.test(t))).to.have.length(5);
    await snap(page, 'daily');
    await go(page, `/usage/${ESI.one}/monthly?from=${addDays(world.today, -120)}&to=${last}`);
    const monthlyBars = await bars(page);
    expect(monthlyBars).to.be.within(2, 4);
    expect(await page.$$eval('#usage tbody tr:not(.nodata)', (r) => r.length)).to.equal(monthlyBars);
    await snap(page, 'monthly');
  });

  it("gives a REP exactly the report engine's rows as CSV, and only its REP-of-record days", async () => {
    const page = await newPage();
    expect(await logIn(page, 'demo-rep', world.logins['demo-rep']!)).to.equal(200);
    const from = addDays(world.today, -20), to = addDays(world.today, -1);
    await go(page, `/usage/${ESI.moving}/daily?from=${from}&to=${to}`);
    await snap(page, 'rep-daily-moving');
    expect(await bars(page)).to.equal(10);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), `/usage/${ESI.moving}/daily?from=${from}&to=${to}&format=csv`);
    const participant = (await (await world.app.registry()).findParticipantByDuns(DEMO_REP))!;
    const job = { reportType: 'DAILY' as const, startDate: from, endDate: to, version: 'L' as const, readingType: 'C' as const, esiids: [ESI.moving],
      scope: { participantId: participant.id, kind: 'REP' as const, duns: new Set(participant.duns) } };
    let expected = reportHeader('DAILY');
    for await (const rows of reportSections(await world.app.usageSource(), job)) expected += csvChunk(rows);
    expect(csv).to.equal(expected);
    expect(csv.trim().split('\r\n')).to.have.length(11);
    const usageDays = csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[1]!).map((d) => `${d.slice(6)}-${d.slice(0, 2)}-${d.slice(3, 5)}`);
    expect(usageDays.every((d) => d < world.switchDay)).to.equal(true);
    const exports = await new AuditLog(await world.app.db()).read({ limit: 10, event: 'EXPORT', login: 'demo-rep' });
    expect(exports).to.have.length(1);
  });

  it('gives a customer nothing for an ESI ID she did not register, typed into the URL', async () => {
    const page = await newPage();
    expect(await logIn(page, 'demo-customer', world.logins['demo-customer']!)).to.equal(200);
    expect(await go(page, `/usage/${ESI.two}/daily`)).to.equal(404);
    expect(await page.$('#no-access')).to.not.equal(null);
    expect(await page.$('svg.chart')).to.equal(null);
    await snap(page, 'customer-other-esiid');
    const status = await page.evaluate(async (href) => (await fetch(href)).status, `/usage/${ESI.two}/interval?format=csv`);
    expect(status).to.equal(404);
  });

  it('refuses a form posted without its CSRF token, or with another session\'s', async () => {
    const page = await newPage();
    await go(page, '/login');
    const post = (body: string) => page.evaluate(async (b) => (await fetch('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: b })).status, body);
    expect(await post(`login=demo-regulator&password=${encodeURIComponent(world.logins['demo-regulator']!)}`)).to.equal(403);
    expect(await post(`_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&login=demo-regulator&password=${encodeURIComponent(world.logins['demo-regulator']!)}`)).to.equal(403);
    const token = await page.$eval('input[name=_csrf]', (e) => (e as HTMLInputElement).value);
    expect(await post(`_csrf=${token}&login=demo-regulator&password=${encodeURIComponent(world.logins['demo-regulator']!)}`)).to.equal(200);
    expect(await go(page, '/meters')).to.equal(200);
    expect(await page.$('#lookup')).to.not.equal(null);
  });
});
