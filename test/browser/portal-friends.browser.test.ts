import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { addDays } from '../../src/core/cpt';
import { PortalFriend, PortalFriendInvite } from '../../src/db/entities/portal-friend.entity';
import { PortalMeter } from '../../src/db/entities/portal-meter.entity';
import { PortalUser } from '../../src/db/entities/portal-user.entity';
import { insertPortalUser } from '../../src/portal/accounts.service';
import { AuditLog } from '../../src/portal/audit.log';
import { FriendsService } from '../../src/portal/friends/friends.service';
import { ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

const FRIEND = { login: 'fran.friend', password: 'Garden-path-77', email: 'fran@example.test' };

/** Friends in a real browser: invitation by email, acceptance by registering, read-only view, revocation at once, single-use links, end dates, isolation. */
describe('portal friends in a real browser', function () {
  this.timeout(180_000);
  let world: PortalWorld;
  let shot = 0;

  before(async () => {
    world = await startPortalWorld();
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await stopPortalWorld(world);
  });

  async function newPage(): Promise<Page> {
    const page = await (await world.browser.createBrowserContext()).newPage();
    await page.setViewport({ width: 1200, height: 900 });
    return page;
  }
  const snap = (page: Page, name: string) => page.screenshot({ path: path.join(world.shots, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  const go = async (page: Page, to: string) => (await page.goto(to.startsWith('http') ? to : `${world.portal.url}${to}`, { waitUntil: 'load' }))!.status();
  const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLElement).innerText);
  async function logIn(login: string, password = world.logins[login]!, next = ''): Promise<Page> {
    const page = await newPage();
    await go(page, `/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    await page.type('#login', login);
    await page.type('#password', password);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    expect(response!.status()).to.equal(200);
    return page;
  }
  async function submit(page: Page, selector: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return response!.status();
  }
  /** The accept link of the newest invitation mailed to `to` (quoted-printable undone). */
  function inviteLink(to: string): string {
    const dir = world.portal.mailDir!;
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse();
    for (const f of files) {
      const mail = fs.readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (new RegExp(`^To: ${to}$`, 'mi').test(mail)) return /https:\/\/\S+\/friends\/accept\?token=[A-Za-z0-9_-]{43}/.exec(mail)![0];
    }
    throw new Error(`no invitation mailed to ${to}`);
  }
  async function invite(owner: Page, email: string, endDate: string): Promise<number> {
    await go(owner, '/friends');
    await owner.type('#friend-email', email);
    await owner.click(`#invite input[value="${ESI.one}"]`);
    await owner.$eval('#friend-end', (e, d) => ((e as HTMLInputElement).value = d), endDate);
    return submit(owner, '#invite-submit');
  }
  const db = () => world.app.db();

  it('invites a friend, who registers from the link and sees the meter read-only; the link works once', async () => {
    const owner = await logIn('demo-customer');
    expect(await invite(owner, 'demo-customer@smt-platform.invalid', addDays(world.today, 30))).to.equal(400);
    expect(await text(owner, '#friends-problem')).to.contain('not your own');
    expect(await invite(owner, FRIEND.email, addDays(world.today, 400))).to.equal(400);
    expect(await text(owner, '#friends-problem')).to.contain('at most a year away');
    expect(await invite(owner, FRIEND.email, addDays(world.today, 30))).to.equal(200);
    expect(await text(owner, '#shares')).to.contain(FRIEND.email).and.to.contain('invited');
    await snap(owner, 'friends-invited');

    const link = inviteLink(FRIEND.email);
    const friend = await newPage();
    expect(await go(friend, link)).to.equal(200);
    expect(await text(friend, '#invitation')).to.contain('Dana Demo shares a meter with you');
    for (const [id, value] of Object.entries({ firstName: 'Fran', lastName: 'Friend', login: FRIEND.login, password: FRIEND.password })) await friend.type(`#${id}`, value);
    await friend.click('#acceptedTerms');
    expect(await submit(friend, '#friend-register-submit')).to.equal(200);
    expect(await text(friend, '#shared-with-me')).to.contain(ESI.one).and.to.contain('until');
    await snap(friend, 'friend-shared-with-me');
    expect(await go(friend, `/usage/${ESI.one}/daily`)).to.equal(200);
    expect(await friend.$$eval('#usage tbody tr', (rows) => rows.length)).to.be.greaterThan(20);
    await snap(friend, 'friend-daily-view');
    const feed = await friend.evaluate(async (url) => { const r = await fetch(url); return `${r.status} ${r.headers.get('content-type')} ${(await r.text()).split('<espi:IntervalBlock>').length - 1}`; },
      `/green-button/${ESI.one}/download?from=${addDays(world.today, -5)}&to=${addDays(world.today, -1)}`);
    expect(feed).to.match(/^200 application\/atom\+xml/).and.to.match(/ 5$/);
    // No forms that act: nothing to share onwards, no HAN devices of a meter that is not hers.
    expect(await go(friend, `/han/${ESI.one}`)).to.equal(404);
    await go(friend, '/friends');
    expect(await friend.$(`#invite input[value="${ESI.one}"]`)).to.equal(null);
    // The link was used.
    const again = await newPage();
    expect(await go(again, link)).to.equal(404);
    expect(await text(again, '#invitation-gone')).to.contain('not valid any more');
    await go(owner, '/friends');
    expect(await text(owner, '#shares')).to.contain(FRIEND.login).and.to.contain('has access');
  });

  it('shows a friend nothing of other meters when she changes identifiers in URLs, and nothing before the 13-month window', async () => {
    const friend = await logIn(FRIEND.login, FRIEND.password);
    for (const esiid of [ESI.two, ESI.moving, '10443720000009999']) {
      expect(await go(friend, `/usage/${esiid}/daily`)).to.equal(404);
      expect(await text(friend, '#no-access')).to.contain(`No data is available to you for ESI ID ${esiid}`);
      expect(await go(friend, `/green-button/${esiid}`)).to.equal(404);
      expect(await go(friend, `/green-button/${esiid}/download?from=${addDays(world.today, -3)}&to=${addDays(world.today, -1)}`)).to.equal(404);
    }
    expect(await go(friend, `/usage/${ESI.one}/daily?from=${addDays(world.today, -500)}&to=${addDays(world.today, -480)}`)).to.equal(400);
    expect(await text(friend, '#range-problem')).to.contain('Your history for this view starts on');
    // Revoking a share that is not hers, by its number, does nothing.
    const share = (await (await db()).manager.findOneByOrFail(PortalFriend, { esiid: ESI.one, status: 'ACTIVE' })).id;
    await go(friend, '/friends');
    const status = await friend.evaluate(async (id) => {
      const body = new URLSearchParams({ _csrf: (document.querySelector('input[name=_csrf]') as HTMLInputElement).value, share: String(id) });
      return (await fetch('/friends/revoke', { method: 'POST', body })).status;
    }, share);
    expect(status).to.equal(400);
    expect(await go(friend, `/usage/${ESI.one}/daily`)).to.equal(200);
  });

  it('revokes at once: the friend\'s next page load is refused; invite, accept and revoke are audited', async () => {
    const friend = await logIn(FRIEND.login, FRIEND.password);
    expect(await go(friend, `/usage/${ESI.one}/interval`)).to.equal(200);
    const owner = await logIn('demo-customer');
    await go(owner, '/friends');
    expect(await submit(owner, '#shares form.revoke button')).to.equal(200);
    expect(await text(owner, '#friends-notice')).to.equal('Access revoked.');
    expect(await owner.$('#no-shares')).to.not.equal(null);
    await snap(owner, 'friends-revoked');
    expect(await go(friend, `/usage/${ESI.one}/interval`)).to.equal(404);
    expect(await go(friend, `/green-button/${ESI.one}`)).to.equal(404);
    await snap(friend, 'friend-refused-after-revoke');
    const events = (await new AuditLog(await db()).read({ limit: 500 })).filter((e) => e.event.startsWith('FRIEND_'));
    expect(events.map((e) => `${e.event} ${e.login}`)).to.deep.equal(['FRIEND_INVITED demo-customer', 'FRIEND_ACCEPTED fran.friend', 'FRIEND_REVOKED demo-customer']);
  });

  it('lets an existing user accept by logging in, ends access after the end date, and refuses an expired link', async () => {
    const owner = await logIn('demo-customer');
    expect(await invite(owner, FRIEND.email, world.today)).to.equal(200);
    const link = inviteLink(FRIEND.email);
    const friend = await logIn(FRIEND.login, FRIEND.password, new URL(link).pathname + new URL(link).search);
    expect(await text(friend, '#invitation')).to.contain('shares a meter');
    expect(await submit(friend, '#accept-submit')).to.equal(200);
    expect(await go(friend, `/usage/${ESI.one}/daily`)).to.equal(200);
    // The day after the end date (the row's end date moved back a day, as tomorrow would see it).
    const manager = (await db()).manager;
    await manager.update(PortalFriend, { esiid: ESI.one, status: 'ACTIVE' }, { endDate: addDays(world.today, -1) });
    expect(await go(friend, `/usage/${ESI.one}/daily`)).to.equal(404);
    await go(owner, '/friends');
    expect(await owner.$('#no-shares')).to.not.equal(null);
    // An invitation past its 7 days.
    expect(await invite(owner, 'late@example.test', addDays(world.today, 10))).to.equal(200);
    const late = inviteLink('late@example.test');
    await manager.update(PortalFriendInvite, { email: 'late@example.test' }, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await go(await newPage(), late)).to.equal(404);
  });

  it('lets one of two people racing with the same link use it, once', async () => {
    const source = await db();
    let token = '';
    const service = new FriendsService(source, { send: async (m) => void (token = /token=([A-Za-z0-9_-]{43})/.exec(m.text)![1]!) }, new AuditLog(source), () => world.portal.url);
    const owner = await source.manager.findOneByOrFail(PortalUser, { login: 'demo-customer' });
    const meters = await source.manager.findBy(PortalMeter, { userId: owner.id });
    expect(await service.invite(owner, meters, { email: 'race@example.test', esiids: [ESI.one], endDate: addDays(world.today, 5) }, 'test')).to.deep.equal({ ok: true });
    const fran = await source.manager.findOneByOrFail(PortalUser, { login: FRIEND.login });
    const other = await insertPortalUser(source, { login: 'racer.two', password: 'Racing-cars-31', kind: 'CUSTOMER', status: 'ACTIVE', participantId: null,
      firstName: 'R', middleInitial: '', lastName: 'Two', suffix: '', phone: '', email: 'race@example.test', language: 'en' });
    const outcomes = await Promise.all([service.accept(token, fran, 'a'), service.accept(token, other, 'b')]);
    expect(outcomes.filter(Boolean)).to.have.length(1);
    const rows = await source.manager.findBy(PortalFriend, { esiid: ESI.one, status: 'ACTIVE', endDate: addDays(world.today, 5) });
    expect(rows).to.have.length(1);
    expect(rows[0]!.friendUserId).to.equal(outcomes[0] ? fran.id : other.id);
    expect(await service.accept(token, fran, 'a')).to.equal(false);
    // The owner cannot accept her own invitation, nor share a meter that is not hers.
    expect(await service.invite(owner, meters, { email: 'x@example.test', esiids: [ESI.two], endDate: addDays(world.today, 5) }, 'test')).to.deep.equal({ problem: 'Choose among your own meters.' });
  });
});
