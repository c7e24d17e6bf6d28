import { expect } from 'chai';
import { PortalUser } from '../../src/db/entities/portal-user.entity';
import { canUse } from '../../src/portal/user-functions';
import { BrowserKit } from './portal-browser-kit';
import { DEMO_REP, ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** REP, TDSP and regulatory administrators in Debian's chromium: add a user by email, grant and revoke functions, disable; no reach into another participant. */
describe('portal administrators in a real browser', function () {
  this.timeout(180_000);
  let world: PortalWorld;
  let kit: BrowserKit;
  const password = 'Admin-pass-2026';
  const userRow = async (login: string) => (await world.app.db()).manager.findOneByOrFail(PortalUser, { login });

  before(async () => {
    world = await startPortalWorld();
    kit = new BrowserKit(world, 'admin');
    const demoRep = (await (await world.app.registry()).findParticipantByDuns(DEMO_REP))!;
    await kit.staffAdmin({ participant: demoRep.name }, 'rep-admin', password);
    await kit.staffAdmin({ participant: 'Other REP' }, 'other-admin', password);
    await kit.staffAdmin({ regulator: true }, 'puc-admin', password);
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await stopPortalWorld(world);
  });

  it('a REP administrator adds a user with chosen functions; the user sets her password from the email and is held to them', async () => {
    const admin = await kit.newPage();
    expect(await kit.logIn(admin, 'rep-admin', password)).to.equal(200);
    expect(await admin.$('header a[href="/users"]')).to.not.equal(null);
    await kit.go(admin, '/users');
    await admin.type('#new-login', 'rep-clerk');
    await admin.type('#new-firstName', 'Carl');
    await admin.type('#new-lastName', 'Clerk');
    await admin.type('#new-email', 'carl@example.test');
    await admin.click('#fn-USAGE');
    await admin.click('#fn-MESSAGE_LOG');
    expect(await kit.submit(admin, '#add-user-submit')).to.equal(200);
    await kit.snap(admin, 'users');
    expect(await kit.text(admin, '#users')).to.match(/rep-clerk[\s\S]*PENDING[\s\S]*HAN/);
    const clerk = await userRow('rep-clerk');
    expect([canUse(clerk, 'USAGE'), canUse(clerk, 'HAN'), canUse(clerk, 'MESSAGE_LOG')]).to.deep.equal([false, true, false]);

    // The first link may expire: the administrator sends a new one; another REP's administrator cannot.
    const mailsTo = async () => (await kit.go(admin, '/dev/mail'), (await kit.text(admin, '#mail')).split('carl@example.test').length - 1);
    expect(await mailsTo()).to.equal(1);
    await kit.go(admin, `/users/${clerk.id}`);
    expect(await kit.submit(admin, '#resend-submit')).to.equal(200);
    expect(await mailsTo()).to.equal(2);
    const other = await kit.newPage();
    await kit.logIn(other, 'other-admin', password);
    await kit.go(other, '/users');
    expect(await kit.post(other, `/users/${clerk.id}/invite`, {})).to.equal(404);
    expect(await mailsTo()).to.equal(2);
    expect((await kit.audit('INVITE_RESENT')).map((e) => `${e.login} ${e.detail}`)).to.deep.equal(['rep-admin user rep-clerk']);

    const page = await kit.newPage();
    expect(await kit.logIn(page, 'rep-clerk', 'anything-at-all-1A')).to.equal(401);
    await kit.followMailLink(page, 'carl@example.test');
    await page.type('#password', 'Clerk-pass-2026');
    expect(await kit.submit(page, '#set-password-submit')).to.equal(200);
    expect(await page.$('#password-set')).to.not.equal(null);
    expect(await kit.logIn(page, 'rep-clerk', 'Clerk-pass-2026')).to.equal(200);
    expect(await kit.go(page, `/usage/${ESI.one}/daily`)).to.equal(403);
    expect(await kit.go(page, '/users')).to.equal(403);
    expect((await kit.audit('USER_ADDED')).some((e) => e.login === 'rep-admin' && e.detail === 'user rep-clerk: functions HAN')).to.equal(true);
  });

  it('the administrator grants and revokes functions, each change in the audit log, and the user feels it at her next page', async () => {
    const admin = await kit.newPage();
    await kit.logIn(admin, 'rep-admin', password);
    await kit.go(admin, '/users');
    await kit.submit(admin, '#manage-rep-clerk');
    await admin.click('#fn-USAGE');
    await admin.click('#fn-HAN');
    await kit.snap(admin, 'user-functions');
    expect(await kit.submit(admin, '#save-grants')).to.equal(200);
    const clerk = await userRow('rep-clerk');
    expect([canUse(clerk, 'USAGE'), canUse(clerk, 'HAN')]).to.deep.equal([true, false]);
    expect((await kit.audit('FUNCTION_GRANTED')).map((e) => `${e.login} ${e.detail}`)).to.include('rep-admin user rep-clerk: USAGE');
    expect((await kit.audit('FUNCTION_REVOKED')).map((e) => `${e.login} ${e.detail}`)).to.include('rep-admin user rep-clerk: HAN');
    const page = await kit.newPage();
    await kit.logIn(page, 'rep-clerk', 'Clerk-pass-2026');
    expect(await kit.go(page, `/usage/${ESI.one}/daily`)).to.equal(200);
  });

  it('an administrator of another REP cannot see, grant, revoke or disable this REP\'s user: 404 and nothing changes', async () => {
    const clerkBefore = await userRow('rep-clerk');
    const auditBefore = (await kit.audit('FUNCTION_GRANTED')).length + (await kit.audit('USER_DISABLED')).length;
    const other = await kit.newPage();
    expect(await kit.logIn(other, 'other-admin', password)).to.equal(200);
    await kit.go(other, '/users');
    expect(await kit.text(other, '#users')).not.to.contain('rep-clerk');
    expect(await kit.go(other, `/users/${clerkBefore.id}`)).to.equal(404);
    await kit.go(other, '/users');
    expect(await kit.post(other, `/users/${clerkBefore.id}/functions`, { functions: ['USAGE', 'HAN', 'MESSAGE_LOG'] })).to.equal(404);
    expect(await kit.post(other, `/users/${clerkBefore.id}/disable`, {})).to.equal(404);
    expect(await kit.post(other, `/users/${clerkBefore.id}/meters`, { allMeters: 'yes' })).to.equal(404);
    const clerkAfter = await userRow('rep-clerk');
    expect([clerkAfter.status, clerkAfter.functions]).to.deep.equal([clerkBefore.status, clerkBefore.functions]);
    expect((await kit.audit('FUNCTION_GRANTED')).length + (await kit.audit('USER_DISABLED')).length).to.equal(auditBefore);
    // Nor may a plain user of the same REP act as an administrator.
    const clerk = await kit.newPage();
    await kit.logIn(clerk, 'rep-clerk', 'Clerk-pass-2026');
    expect(await kit.post(clerk, `/users/${clerkBefore.id}/functions`, { functions: ['HAN'] })).to.equal(403);
    expect((await userRow('rep-clerk')).functions).to.equal(clerkBefore.functions);
  });

  it('the regulator\'s administrator is never offered HAN; disabling a user ends her sessions, audited', async () => {
    const puc = await kit.newPage();
    await kit.logIn(puc, 'puc-admin', password);
    await kit.go(puc, '/users');
    expect(await puc.$('#fn-HAN')).to.equal(null);
    expect(await puc.$('#fn-USAGE')).to.not.equal(null);
    const clerk = await kit.newPage();
    await kit.logIn(clerk, 'rep-clerk', 'Clerk-pass-2026');
    const admin = await kit.newPage();
    await kit.logIn(admin, 'rep-admin', password);
    await kit.go(admin, '/users');
    await kit.submit(admin, '#manage-rep-clerk');
    expect(await kit.submit(admin, '#disable-submit')).to.equal(200);
    expect((await userRow('rep-clerk')).status).to.equal('DISABLED');
    await kit.go(clerk, `/usage/${ESI.one}/daily`);
    expect(clerk.url()).to.contain('/login');
    expect((await kit.audit('USER_DISABLED')).map((e) => `${e.login} ${e.detail}`)).to.include('rep-admin user rep-clerk');
    await kit.snap(admin, 'users-after-disable');
  });
});
