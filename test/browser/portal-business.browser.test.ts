import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { PortalCompany, PortalCompanyMeter } from '../../src/db/entities/portal-company.entity';
import { PortalUser } from '../../src/db/entities/portal-user.entity';
import { insertPortalUser } from '../../src/portal/accounts.service';
import { CR001_INTRO } from '../../src/portal/meter-check';
import { BrowserKit } from './portal-browser-kit';
import { ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** Business customers in Debian's chromium: the company registers its meters, its administrator adds users with all or chosen meters, and a user sees only hers. */
describe('business customers in a real browser', function () {
  this.timeout(180_000);
  let world: PortalWorld;
  let kit: BrowserKit;
  const adminPassword = 'Business-pass-77';
  const userPassword = 'Worker-pass-2026';
  const userRow = async (login: string) => (await world.app.db()).manager.findOneByOrFail(PortalUser, { login });
  const meterList = async (page: Page) => (await kit.go(page, '/meters'), kit.text(page, '#meters'));

  before(async () => {
    world = await startPortalWorld();
    kit = new BrowserKit(world, 'business');
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await stopPortalWorld(world);
  });

  it('registers a company with two meters: CR001 when one meter does not match, then confirmed through the emailed link', async () => {
    const page = await kit.newPage();
    await kit.go(page, '/register');
    await kit.submit(page, 'a[href="/register/business"]');
    const fill = async (secondMeter: string) => {
      const values = { companyName: 'Lone Star Bakeries', firstName: 'Bea', lastName: 'Baker', email: 'bea@bakeries.test', emailAgain: 'bea@bakeries.test', login: 'bea.baker',
        password: adminPassword, esiid1: ESI.one, meterNumber1: 'M0000001', esiid2: ESI.two, meterNumber2: secondMeter };
      for (const [id, value] of Object.entries(values)) {
        await page.$eval(`#${id}`, (e) => ((e as HTMLInputElement).value = ''));
        await page.type(`#${id}`, value);
      }
      if (!(await page.$eval('#acceptedTerms', (e) => (e as HTMLInputElement).checked))) await page.click('#acceptedTerms');
      return kit.submit(page, '#register-submit');
    };
    expect(await fill('9999999')).to.equal(400);
    await kit.snap(page, 'register-business-cr001');
    expect(await kit.text(page, '#cr001')).to.contain(CR001_INTRO);
    expect(await (await world.app.db()).manager.count(PortalCompanyMeter)).to.equal(0);
    expect(await fill('0000002')).to.equal(200);
    expect(await page.$('#registered')).to.not.equal(null);
    expect(await kit.logIn(page, 'bea.baker', adminPassword)).to.equal(401);
    await kit.followMailLink(page, 'bea@bakeries.test');
    expect(await page.$('#confirmed')).to.not.equal(null);
    expect(await kit.logIn(page, 'bea.baker', adminPassword)).to.equal(200);
    const meters = await meterList(page);
    expect(meters).to.contain(ESI.one).and.to.contain(ESI.two);
    expect((await kit.audit('COMPANY_REGISTERED')).map((e) => e.detail)).to.include(`company "Lone Star Bakeries", esiids ${ESI.one} ${ESI.two}`);
    await kit.snap(page, 'business-meters');
  });

  it('the administrator adds a user with one chosen meter; the user sees only it, and another ESI ID in the URL gets nothing', async () => {
    const admin = await kit.newPage();
    await kit.logIn(admin, 'bea.baker', adminPassword);
    await kit.go(admin, '/users');
    await admin.type('#new-login', 'bakery.clerk');
    await admin.type('#new-firstName', 'Cody');
    await admin.type('#new-lastName', 'Counter');
    await admin.type('#new-email', 'cody@bakeries.test');
    await admin.click('#allMeters');
    await admin.click(`#esiid-${ESI.two}`);
    expect(await kit.submit(admin, '#add-user-submit')).to.equal(200);
    await kit.snap(admin, 'business-users');
    expect((await kit.audit('USER_ADDED')).map((e) => `${e.login} ${e.detail}`)).to.include(`bea.baker user bakery.clerk: meters ${ESI.two}`);

    const page = await kit.newPage();
    await kit.followMailLink(page, 'cody@bakeries.test');
    await page.type('#password', userPassword);
    await kit.submit(page, '#set-password-submit');
    expect(await kit.logIn(page, 'bakery.clerk', userPassword)).to.equal(200);
    const meters = await meterList(page);
    expect(meters).to.contain(ESI.two).and.not.to.contain(ESI.one);
    expect(await page.$('a[href="/meters/add"]')).to.equal(null);
    expect(await kit.go(page, `/usage/${ESI.two}/daily`)).to.equal(200);
    expect(await kit.go(page, `/usage/${ESI.one}/daily`)).to.equal(404);
    expect(await kit.text(page, '#no-access')).to.contain('No data is available to you');
    expect(await page.$('#usage')).to.equal(null);
    expect(await kit.go(page, `/usage/${ESI.one}/interval?format=csv`)).to.equal(404);
    // A business user cannot add meters to the company, nor manage its users.
    await kit.go(page, '/meters/add');
    expect(await kit.post(page, '/meters/add', { esiid: ESI.one, meterNumber: 'M0000001' })).to.equal(403);
    expect(await meterList(page)).not.to.contain(ESI.one);
    expect(await kit.go(page, '/users')).to.equal(403);
  });

  it('the administrator changes the user\'s meter access (audited); the user sees the change at once; another company\'s administrator cannot', async () => {
    const clerk = await userRow('bakery.clerk');
    const admin = await kit.newPage();
    await kit.logIn(admin, 'bea.baker', adminPassword);
    await kit.go(admin, `/users/${clerk.id}`);
    await admin.click(`#esiid-${ESI.one}`);
    await admin.click(`#esiid-${ESI.two}`);
    expect(await kit.submit(admin, '#save-grants')).to.equal(200);
    expect((await kit.audit('METERS_CHANGED')).map((e) => `${e.login} ${e.detail}`)).to.include(`bea.baker user bakery.clerk: ${ESI.one}`);
    const page = await kit.newPage();
    await kit.logIn(page, 'bakery.clerk', userPassword);
    expect(await meterList(page)).to.contain(ESI.one).and.not.to.contain(ESI.two);
    expect(await kit.go(page, `/usage/${ESI.two}/daily`)).to.equal(404);

    // Neither a residential customer nor another company's administrator reaches the company's user.
    const outsider = await kit.newPage();
    await kit.logIn(outsider, 'demo-customer', world.logins['demo-customer']!);
    await kit.go(outsider, '/meters');
    expect(await kit.post(outsider, `/users/${clerk.id}/meters`, { allMeters: 'yes' })).to.equal(403);
    const db = await world.app.db();
    const other = await db.manager.insert(PortalCompany, { name: 'Other Co', createdAt: new Date().toISOString() });
    await insertPortalUser(db, { login: 'other.co.admin', password: adminPassword, kind: 'CUSTOMER', status: 'ACTIVE', participantId: null, companyId: Number(other.identifiers[0]!.id), admin: true,
      firstName: 'Oz', middleInitial: '', lastName: 'Other', suffix: '', phone: '', email: 'oz@other.test', language: 'en' });
    const rival = await kit.newPage();
    await kit.logIn(rival, 'other.co.admin', adminPassword);
    expect(await kit.go(rival, `/users/${clerk.id}`)).to.equal(404);
    await kit.go(rival, '/users');
    expect(await kit.text(rival, '#users')).not.to.contain('bakery.clerk');
    expect(await kit.post(rival, `/users/${clerk.id}/meters`, { allMeters: 'yes' })).to.equal(404);
    expect(await kit.post(rival, `/users/${clerk.id}/disable`, {})).to.equal(404);
    expect(await userRow('bakery.clerk')).to.include({ allMeters: false, status: 'ACTIVE' });

    await kit.go(admin, `/users/${clerk.id}`);
    await admin.click('#allMeters');
    await kit.submit(admin, '#save-grants');
    expect(await meterList(page)).to.contain(ESI.one).and.to.contain(ESI.two);
    // A meter the administrator adds later is the company's: a user with all meters sees it at once.
    await kit.go(admin, '/meters/add');
    await admin.type('#esiid', ESI.moving);
    await admin.type('#meterNumber', 'M0000006');
    expect(await kit.submit(admin, 'form#add-meter button')).to.equal(200);
    expect(await meterList(page)).to.contain(ESI.moving);
    expect((await kit.audit('METER_ADDED')).map((e) => `${e.login} ${e.detail}`)).to.include(`bea.baker esiid ${ESI.moving} for the company`);
    await kit.go(admin, `/users/${clerk.id}`);
    expect(await kit.submit(admin, '#disable-submit')).to.equal(200);
    await kit.go(page, '/meters');
    expect(page.url()).to.contain('/login');
  });
});
