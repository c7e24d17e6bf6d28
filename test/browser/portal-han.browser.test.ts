import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { HanMessageRequests } from '../../src/han/han-message-requests';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { LOG_COLUMNS } from '../../src/han/han-message-log';
import { PortalUser } from '../../src/db/entities/portal-user.entity';
import { AuditLog } from '../../src/portal/audit.log';
import { ensureDevelopmentSetup } from '../../src/security/development-setup';
import { DEMO_REP, ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

const CODE = appendInstallCodeCrc('83FED3407A939723');
const mac = (n: number) => `00124B00000000A${n}`;
/** An ESI ID of another TDSP, served by the demo REP. */
const FOREIGN = '10443720000000099';

/** HAN devices in the portal: a customer's device through the mock TDSP to Device Added, the five-device rule, removal, REP and TDSP views, the REP's message log, isolation. */
describe('portal HAN devices in a real browser', function () {
  this.timeout(240_000);
  let world: PortalWorld;
  let shot = 0;
  const behaviour = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smt-han-mock-')), 'mock.json');

  before(async () => {
    fs.writeFileSync(behaviour, JSON.stringify({
      provisioning: [{ status: 'Add Pending', delayMs: 20 }, { status: 'Meter Ready', delayMs: 20 }, { status: 'Device Added', delayMs: 20 }],
      deprovisioning: [{ status: 'Remove Pending', delayMs: 20 }, { status: 'Device Removed', delayMs: 20 }],
    }));
    world = await startPortalWorld({ SMT_SOAP_PORT: '0', SMT_MOCK_TDSP_PORT: '0', SMT_TDSP_POLL_MS: '50', SMT_TDSP_RETRY_BASE_MS: '100', SMT_MOCK_TDSP_BEHAVIOUR: behaviour, SMT_LOG_LEVEL: 'debug' });
    await world.app.startSoapServer();
    await (await world.app.dispatchWorker()).start();
    expect(await world.app.startDevelopmentMockTdsp(await ensureDevelopmentSetup(world.app))).to.be.a('string');
    const registry = await world.app.registry();
    await registry.addParticipant({ name: 'Other TDSP', kind: 'TDSP', duns: ['100000009'] });
    await registry.updateParticipant('Other TDSP', { hanMinFirmware: '4.0' });
    const csv = path.join(world.dir, 'foreign.csv');
    fs.writeFileSync(csv, `esiid,tdsp_duns,meter_number,meter_hardware_version,meter_firmware_version\n${FOREIGN},100000009,M0000099,I-210+c,3.2\n`);
    const stretches = path.join(world.dir, 'foreign-reps.csv');
    fs.writeFileSync(stretches, `esiid,rep_duns,effective_from,effective_to\n${FOREIGN},${DEMO_REP},2024-01-01,\n`);
    for (const file of [csv, stretches]) expect((await (await world.app.registryImport()).importCsv(file)).rejected).to.deep.equal([]);
  });
  after(async () => {
    if (world) {
      await (await world.app.dispatchWorker()).stop();
      console.log(`      screenshots: ${world.shots}`);
    }
    await stopPortalWorld(world);
    fs.rmSync(path.dirname(behaviour), { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const page = await (await world.browser.createBrowserContext()).newPage();
    await page.setViewport({ width: 1200, height: 1000 });
    return page;
  }
  const snap = (page: Page, name: string) => page.screenshot({ path: path.join(world.shots, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  async function go(page: Page, to: string): Promise<number> {
    return (await page.goto(`${world.portal.url}${to}`, { waitUntil: 'load' }))!.status();
  }
  async function logIn(login: string): Promise<Page> {
    const page = await newPage();
    await go(page, '/login');
    await page.type('#login', login);
    await page.type('#password', world.logins[login]!);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    expect(response!.status()).to.equal(200);
    return page;
  }
  const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLElement).innerText);
  const statuses = (page: Page, table: string) => page.$$eval(`#${table} tr[data-mac]`, (rows) => rows.map((r) => `${r.getAttribute('data-mac')} ${r.querySelector('.status')!.textContent}`));
  async function provision(page: Page, esiid: string, macAddress: string): Promise<number> {
    await go(page, `/han/${esiid}`);
    await page.type('#han-mac', macAddress);
    await page.type('#han-install-code', CODE);
    await page.type('#han-description', `Thermostat ${macAddress.slice(-2)}`);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#provision-submit')]);
    return response!.status();
  }
  async function until(page: Page, esiid: string, want: string, table = 'devices-active'): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await go(page, `/han/${esiid}`);
      if ((await page.$(`#${table}`)) && (await statuses(page, table)).includes(want)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`never saw ${want} in ${table}: ${JSON.stringify(await statuses(page, table).catch(() => []))}`);
  }

  it('shows a customer her meter\'s versions and HAN capability, and takes her device through the mock TDSP to Device Added', async () => {
    const page = await logIn('demo-customer');
    await go(page, '/han');
    expect(await text(page, '#han-meters')).to.contain(ESI.one);
    await go(page, `/han/${ESI.one}`);
    const info = await text(page, '#meter-info');
    expect(info).to.match(/Hardware version/).and.to.match(/Firmware version/).and.to.match(/Can take HAN devices/);
    await snap(page, 'han-customer-before');
    expect(await provision(page, ESI.one, mac(1))).to.equal(200);
    expect(await text(page, '#han-notice')).to.contain(`${mac(1)} is Add Acknowledged`);
    await until(page, ESI.one, `${mac(1)} Device Added`);
    await snap(page, 'han-customer-device-added');
    await go(page, `/han/${ESI.one}/device/${mac(1)}`);
    expect(await text(page, '#device-mac')).to.equal(mac(1));
    expect(await text(page, '#device-install-code')).to.equal(`${'*'.repeat(CODE.length - 4)}${CODE.slice(-4)}`);
    expect(await page.content()).to.not.contain(CODE.slice(0, 16));
    const history = await text(page, '#han-history');
    for (const s of ['Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Customer (portal)', 'TDSP']) expect(history).to.contain(s);
    await snap(page, 'han-device-details');
  });

  it('refuses a sixth device with the rule\'s message, and removes one: Remove Acknowledged, then Device Removed below', async () => {
    const page = await logIn('demo-customer');
    for (let n = 2; n <= 5; n++) expect(await provision(page, ESI.one, mac(n))).to.equal(200);
    for (let n = 2; n <= 5; n++) await until(page, ESI.one, `${mac(n)} Device Added`);
    expect(await provision(page, ESI.one, mac(6))).to.equal(409);
    expect(await text(page, '#han-problem')).to.equal(`ESI ID ${ESI.one} already has 5 HAN devices, the most allowed; deprovision one first`);
    expect(await statuses(page, 'devices-active')).to.have.length(5);
    expect(await page.$eval('#han-mac', (e) => (e as HTMLInputElement).value)).to.equal(mac(6));
    expect(await page.$eval('#han-install-code', (e) => (e as HTMLInputElement).value)).to.equal('');
    await snap(page, 'han-sixth-refused');
    // A mistyped install code: refused by its CRC, and the code is not echoed.
    await go(page, `/han/${ESI.one}`);
    await page.type('#han-mac', mac(7));
    await page.type('#han-install-code', `${CODE.slice(0, -4)}0000`);
    const [bad] = await Promise.all([page.waitForNavigation(), page.click('#provision-submit')]);
    expect(bad!.status()).to.equal(400);
    expect(await text(page, '#han-problem')).to.match(/CRC/i);
    expect(await page.content()).to.not.contain(CODE.slice(0, 16));
    await go(page, `/han/${ESI.one}`);
    const [response] = await Promise.all([page.waitForNavigation(), page.click(`tr[data-mac="${mac(5)}"] form.deprovision button`)]);
    expect(response!.status()).to.equal(200);
    expect(await text(page, '#han-notice')).to.contain(`${mac(5)} is Remove Acknowledged`);
    await until(page, ESI.one, `${mac(5)} Device Removed`, 'devices-other');
    expect(await statuses(page, 'devices-active')).to.have.length(4);
    await snap(page, 'han-after-deprovision');
    await go(page, `/han/${ESI.one}/history`);
    const history = await text(page, '#han-history');
    expect(history).to.contain(mac(1)).and.to.contain(mac(5)).and.to.contain('Device Removed');
  });

  it('lets the REP of record see the customer\'s devices and their history, and read and export its HAN messaging log', async () => {
    const sent = await new HanMessageRequests(await world.app.hanMessages()).sendText({ repDuns: DEMO_REP, esiids: [ESI.one], text: 'Peak prices 4-7 pm', durationMinutes: 60 });
    const page = await logIn('demo-rep');
    await go(page, `/han/${ESI.one}`);
    const active = await statuses(page, 'devices-active');
    expect(active).to.include(`${mac(1)} Device Added`);
    await go(page, `/han/${ESI.one}/device/${mac(1)}`);
    expect(await text(page, '#han-history')).to.contain('Customer (portal)');
    expect(await go(page, '/han-log')).to.equal(200);
    const log = await text(page, '#message-log');
    expect(log).to.contain(sent.requestId).and.to.contain(ESI.one);
    await snap(page, 'han-message-log');
    const csvHref = await page.$eval('#log-csv', (a) => (a as HTMLAnchorElement).href);
    const csv = await page.evaluate(async (href) => { const r = await fetch(href); return `${r.status} ${r.headers.get('content-type')}\n${await r.text()}`; }, csvHref);
    const [status, ...lines] = csv.split('\n');
    expect(status).to.match(/^200 text\/csv/);
    expect(lines[0]!.trim()).to.equal(LOG_COLUMNS.join(','));
    expect(lines.filter((l) => l.includes(sent.requestId)).length).to.be.greaterThan(0);
    // Another filter that matches nothing of it.
    await go(page, `/han-log?esiid=${ESI.two}`);
    expect(await text(page, '#message-log')).to.not.contain(sent.requestId);
    // A customer, or a DUNS that is not the REP's, gets nothing.
    expect(await go(page, '/han-log?duns=200000002')).to.equal(400);
    const customer = await logIn('demo-customer');
    expect(await go(customer, '/han-log')).to.equal(403);
  });

  it('lets a TDSP user act only on its own meters', async () => {
    const page = await logIn('demo-tdsp');
    expect(await go(page, `/han/${ESI.one}`)).to.equal(200);
    expect(await statuses(page, 'devices-active')).to.include(`${mac(1)} Device Added`);
    expect(await go(page, `/han/${FOREIGN}`)).to.equal(404);
    const refusal = await text(page, '#han-problem');
    expect(await go(page, '/han/10443720000009999')).to.equal(404);
    expect((await text(page, '#han-problem')).replace('10443720000009999', FOREIGN)).to.equal(refusal);
    // The REP of record acts there; before provisioning, the page says the meter's firmware is too old for HAN.
    const rep = await logIn('demo-rep');
    expect(await go(rep, `/han/${FOREIGN}`)).to.equal(200);
    expect(await text(rep, '#meter-hardware')).to.equal('I-210+c');
    expect(await text(rep, '#meter-firmware')).to.equal('3.2');
    expect(await text(rep, '#han-capable')).to.contain('No: firmware 3.2 is older than 4.0');
    // ESI 06 moved to another REP: the demo REP's users no longer act on it, and see its refusal like an unknown one's.
    expect(await go(rep, `/han/${ESI.moving}`)).to.equal(404);
    expect(await text(rep, '#han-problem')).to.contain('is not one you may manage HAN devices for');
    await snap(rep, 'han-meter-not-capable');
  });

  it('shows a customer nothing of a meter that is not hers, by URL or by a forged form', async () => {
    const page = await logIn('demo-customer');
    for (const url of [`/han/${ESI.two}`, `/han/${ESI.two}/history`, `/han/${ESI.two}/device/${mac(1)}`, `/han/${FOREIGN}`]) {
      expect(await go(page, url)).to.equal(404);
      expect(await text(page, '#han-problem')).to.contain('is not one you may manage HAN devices for');
      expect(await page.content()).to.not.contain('meter-info');
    }
    await go(page, `/han/${ESI.one}`);
    const forged = await page.evaluate(async (esiid) => {
      const form = document.querySelector('#provision') as HTMLFormElement;
      const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
      body.set('mac', '00124B00000000B1');
      const r = await fetch(`/han/${esiid}/provision`, { method: 'POST', body, redirect: 'manual' });
      return r.status;
    }, ESI.two);
    expect(forged).to.equal(404);
    const regulator = await logIn('demo-regulator');
    expect(await go(regulator, `/han/${ESI.one}`)).to.equal(403);
  });

  it('never writes an install code to the log (at debug level) or the audit', async () => {
    const log = fs.readFileSync(world.app.config.log.file, 'utf8');
    expect(log).to.contain('han: provisioning accepted').and.to.contain('PORTAL_CUSTOMER');
    expect(log).to.not.contain(CODE.slice(0, 16));
    const audit = JSON.stringify(await new AuditLog(await world.app.db()).read({ limit: 1000 }));
    expect(audit).to.not.contain(CODE.slice(0, 16));
  });

  it('follows the functions an administrator granted: no HAN pages without HAN, no log without MESSAGE_LOG', async () => {
    const manager = (await world.app.db()).manager;
    const rep = await logIn('demo-rep');
    await manager.update(PortalUser, { login: 'demo-rep' }, { functions: 'USAGE,HAN' });
    expect(await go(rep, '/han-log')).to.equal(403);
    expect(await go(rep, `/han/${ESI.one}`)).to.equal(200);
    await manager.update(PortalUser, { login: 'demo-rep' }, { functions: 'USAGE' });
    expect(await go(rep, `/han/${ESI.one}`)).to.equal(403);
    const forged = await rep.evaluate(async (esiid) => {
      const body = new URLSearchParams({ _csrf: (document.querySelector('input[name=_csrf]') as HTMLInputElement).value, mac: '00124B0000000A99' });
      return (await fetch(`/han/${esiid}/deprovision`, { method: 'POST', body, redirect: 'manual' })).status;
    }, ESI.one);
    expect(forged).to.equal(403);
    await manager.update(PortalUser, { login: 'demo-rep' }, { functions: 'USAGE,HAN,MESSAGE_LOG' });
    expect(await go(rep, '/han-log')).to.equal(200);
  });
});
