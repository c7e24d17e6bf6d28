import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { addDays } from '../../src/core/cpt';
import { AuditLog } from '../../src/portal/audit.log';
import { createTestDatabase } from '../support/postgres-database';
import { csvChunk } from '../../src/usage/report-csv';
import { reportHeader, reportSections } from '../../src/usage/report.generator';
import { BrowserKit } from './portal-browser-kit';
import { ESI, TDSP, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** The portal's tables on PostgreSQL: the migrations, sessions, lockout and audit rows, a view, an export request, in the browser. */
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

  it('a regulator\'s export of two ESI IDs is produced by the report worker on PostgreSQL and downloads as a zip of the engine\'s rows', async () => {
    const w = world!;
    const worker = await w.app.reportWorker();
    await worker.start();
    try {
      const kit = new BrowserKit(w, 'postgres');
      const page = await kit.newPage();
      expect(await kit.logIn(page, 'demo-regulator', w.logins['demo-regulator']!)).to.equal(200);
      const to = addDays(w.today, -1), from = addDays(w.today, -20);
      await kit.go(page, `/exports?esiid=${ESI.one},${ESI.two}&type=daily&from=${from}&to=${to}`);
      expect(await kit.submit(page, '#export-submit')).to.equal(200);
      const order = (await kit.text(page, '#ordered strong')).trim();
      let status = '';
      for (let i = 0; i < 120 && status !== 'Ready'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        await kit.go(page, '/exports');
        status = await kit.text(page, `#order-${order} .status`);
      }
      expect(status).to.equal('Ready');
      const href = await page.$eval(`#order-${order} a.download`, (a) => a.getAttribute('href')!);
      const body = await page.evaluate(async (url) => {
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        let bin = '';
        for (const b of bytes) bin += String.fromCharCode(b);
        return btoa(bin);
      }, href);
      const zip = path.join(w.dir, 'regulator.zip');
      fs.writeFileSync(zip, Buffer.from(body, 'base64'));
      const csv = execFileSync('unzip', ['-p', zip]).toString('utf8');
      // Expected from the TDSP's territory (both ESI IDs, every day): the same days the regulator may see.
      const tdsp = (await (await w.app.registry()).findParticipantByDuns(TDSP))!;
      let rows: string[][] = [];
      const job = { reportType: 'DAILY' as const, startDate: from, endDate: to, version: 'L' as const, readingType: 'C' as const, esiids: [ESI.one, ESI.two], scope: { participantId: tdsp.id, kind: 'TDSP' as const, duns: new Set([TDSP]) } };
      for await (const section of reportSections(await w.app.usageSource(), job)) rows = rows.concat(section);
      expect(csv).to.equal(reportHeader('DAILY') + csvChunk(rows));
      expect(rows).to.have.length(40);
    } finally {
      await worker.stop();
    }
  });
});
