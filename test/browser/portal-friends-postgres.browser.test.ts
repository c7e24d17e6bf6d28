import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { addDays } from '../../src/core/cpt';
import { HanDeviceEvent } from '../../src/db/entities/han-device-event.entity';
import { PortalFriend } from '../../src/db/entities/portal-friend.entity';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { createTestDatabase } from '../support/postgres-database';
import { ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** Friends and a portal HAN request on PostgreSQL: the two friend tables and the request channel column, through the browser. */
describe('portal friends and HAN requests on PostgreSQL', function () {
  this.timeout(180_000);
  let world: PortalWorld | undefined;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  before(async function () {
    database = await createTestDatabase('smt_friends');
    if (!database) return this.skip();
    world = await startPortalWorld({ SMT_DB_TYPE: 'postgres', SMT_DB_URL: database.url });
  });
  after(async () => {
    await stopPortalWorld(world);
    await database?.drop();
  });

  async function page(): Promise<Page> {
    return (await world!.browser.createBrowserContext()).newPage();
  }
  const go = async (p: Page, to: string) => (await p.goto(to.startsWith('http') ? to : `${world!.portal.url}${to}`, { waitUntil: 'load' }))!.status();
  async function submit(p: Page, selector: string): Promise<number> {
    const [response] = await Promise.all([p.waitForNavigation(), p.click(selector)]);
    return response!.status();
  }

  it('invites, accepts by registering, shows the shared meter, revokes; and records a customer\'s HAN request with its channel', async () => {
    const w = world!;
    const owner = await page();
    await go(owner, '/login');
    await owner.type('#login', 'demo-customer');
    await owner.type('#password', w.logins['demo-customer']!);
    await submit(owner, '#login-submit');
    await go(owner, '/friends');
    await owner.type('#friend-email', 'pat@example.test');
    await owner.click(`#invite input[value="${ESI.one}"]`);
    await owner.$eval('#friend-end', (e, d) => ((e as HTMLInputElement).value = d), addDays(w.today, 20));
    expect(await submit(owner, '#invite-submit')).to.equal(200);
    const mail = fs.readdirSync(w.portal.mailDir!).map((f) => fs.readFileSync(path.join(w.portal.mailDir!, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=')).find((m) => /^To: pat@example.test$/mi.test(m))!;
    const link = /https:\/\/\S+\/friends\/accept\?token=[A-Za-z0-9_-]{43}/.exec(mail)![0];
    const friend = await page();
    expect(await go(friend, link)).to.equal(200);
    for (const [id, value] of Object.entries({ firstName: 'Pat', lastName: 'Pal', login: 'pat.pal', password: 'Harbor-lights-58' })) await friend.type(`#${id}`, value);
    await friend.click('#acceptedTerms');
    expect(await submit(friend, '#friend-register-submit')).to.equal(200);
    expect(await go(friend, `/usage/${ESI.one}/daily`)).to.equal(200);
    await go(owner, '/friends');
    expect(await submit(owner, '#shares form.revoke button')).to.equal(200);
    expect(await go(friend, `/usage/${ESI.one}/daily`)).to.equal(404);
    const rows = await (await w.app.db()).manager.find(PortalFriend);
    expect(rows.map((r) => r.status)).to.deep.equal(['REVOKED']);

    await go(owner, `/han/${ESI.one}`);
    await owner.type('#han-mac', '00124B00000000C1');
    await owner.type('#han-install-code', appendInstallCodeCrc('83FED3407A939723'));
    expect(await submit(owner, '#provision-submit')).to.equal(200);
    const events = await (await w.app.db()).manager.find(HanDeviceEvent);
    expect(events.map((e) => `${e.status} ${e.source} ${e.requestChannel}`)).to.deep.equal(['Add Acknowledged REP PORTAL_CUSTOMER']);
  });
});
