import { expect } from 'chai';
import { PortalUser } from '../../src/db/entities/portal-user.entity';
import { BrowserKit } from './portal-browser-kit';
import { startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** Profile editing in Debian's chromium: name, phone and language at once; a new email address only through the link sent to it. */
describe('portal profile editing in a real browser', function () {
  this.timeout(180_000);
  let world: PortalWorld;
  let kit: BrowserKit;
  const me = async () => (await world.app.db()).manager.findOneByOrFail(PortalUser, { login: 'demo-customer' });
  const set = async (page: import('puppeteer-core').Page, id: string, value: string) => {
    await page.$eval(`#${id}`, (e) => ((e as HTMLInputElement).value = ''));
    if (value) await page.type(`#${id}`, value);
  };

  before(async () => {
    world = await startPortalWorld();
    kit = new BrowserKit(world, 'profile');
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await stopPortalWorld(world);
  });

  it('refuses a profile without a first name, naming the field, and changes nothing', async () => {
    const before = await me();
    const page = await kit.newPage();
    await kit.logIn(page, 'demo-customer', world.logins['demo-customer']!);
    await kit.go(page, '/profile');
    await set(page, 'profile-firstName', '');
    await page.$eval('#profile-firstName', (e) => e.removeAttribute('required'));
    await set(page, 'profile-phone', '512-555-0199');
    expect(await kit.submit(page, '#profile-submit')).to.equal(400);
    expect(await kit.text(page, '.problems')).to.contain('Enter your first name');
    expect(await me()).to.include({ firstName: before.firstName, phone: before.phone });
  });

  it('saves name, phone and language at once; the email changes only when the link sent to the new address is opened, once', async () => {
    const page = await kit.newPage();
    await kit.logIn(page, 'demo-customer', world.logins['demo-customer']!);
    await kit.go(page, '/profile');
    await set(page, 'profile-lastName', 'Delgado');
    await set(page, 'profile-phone', '512-555-0100 x12');
    await page.select('#profile-language', 'es');
    await set(page, 'profile-email', 'dana.new@example.test');
    await kit.snap(page, 'profile-edit');
    expect(await kit.submit(page, '#profile-submit')).to.equal(200);
    expect(await kit.text(page, '#profile-saved')).to.contain('dana.new@example.test');
    let user = await me();
    expect(user).to.include({ lastName: 'Delgado', phone: '512-555-0100 x12', language: 'es', email: 'demo-customer@smt-platform.invalid', pendingEmail: 'dana.new@example.test' });
    await kit.go(page, '/dev/mail');
    const mail = await kit.text(page, '#mail');
    expect(mail).to.contain('a change of your email address was asked');
    expect(mail).to.match(/dana\.new@example\.test\s+Smart Meter Texas: confirm your new email address/);

    await kit.followMailLink(page, 'dana.new@example.test');
    expect(await page.$('#email-changed')).to.not.equal(null);
    const link = page.url();
    user = await me();
    expect(user).to.include({ email: 'dana.new@example.test', pendingEmail: '' });
    expect(await kit.go(page, link.slice(link.indexOf('/confirm-email')))).to.equal(400);
    await kit.go(page, '/profile');
    expect(await kit.text(page, '#profile')).to.contain('dana.new@example.test').and.to.contain('Español');
    await kit.snap(page, 'profile-after');
    const events = [...(await kit.audit('PROFILE_CHANGED')), ...(await kit.audit('EMAIL_CHANGE_ASKED')), ...(await kit.audit('EMAIL_CHANGED'))].map((e) => `${e.event} ${e.login} ${e.detail}`);
    expect(events).to.include.members(['PROFILE_CHANGED demo-customer lastName, phone, language', 'EMAIL_CHANGE_ASKED demo-customer link sent to the new address',
      'EMAIL_CHANGED demo-customer confirmed from the new address']);
  });
});
