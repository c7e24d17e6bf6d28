import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { addDays } from '../../src/core/cpt';
import { PortalExport } from '../../src/db/entities/portal-export.entity';
import { ReportRequest } from '../../src/db/entities/report-request.entity';
import { decryptToFile, readPrivateKey } from '../../src/delivery/pgp';
import { csvChunk } from '../../src/usage/report-csv';
import type { ReportScope } from '../../src/usage/report-access';
import { reportHeader, reportSections } from '../../src/usage/report.generator';
import type { ReportType } from '../../src/usage/usage-day';
import type { ReportWorker } from '../../src/usage/report.worker';
import { BrowserKit } from './portal-browser-kit';
import { DEMO_REP, ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** Export requests in Debian's chromium: asked in the portal, produced by the report worker, announced by email, downloaded and unzipped. */
describe('portal export requests in a real browser', function () {
  this.timeout(240_000);
  let world: PortalWorld;
  let kit: BrowserKit;
  let worker: ReportWorker;

  before(async () => {
    world = await startPortalWorld({ SMT_REPORT_POLL_MS: '200' });
    kit = new BrowserKit(world, 'exports');
    worker = await world.app.reportWorker();
    await worker.start();
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await worker?.stop();
    await stopPortalWorld(world);
  });

  /** The report engine's own rows for a request, with a scope built here from the registry's facts. */
  async function engineCsv(type: ReportType, from: string, to: string, esiids: string[], scope: ReportScope): Promise<string> {
    let rows: string[][] = [];
    for await (const section of reportSections(await world.app.usageSource(), { reportType: type, startDate: from, endDate: to, version: 'L', readingType: 'C', esiids, scope })) rows = rows.concat(section);
    return reportHeader(type) + csvChunk(rows);
  }
  async function waitUntilReady(page: Page, order: string): Promise<void> {
    for (let i = 0; i < 120; i++) {
      await kit.go(page, '/exports');
      const status = await kit.text(page, `#order-${order} .status`);
      if (status !== 'In progress') return void expect(status).to.equal('Ready');
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`export ${order} never became ready`);
  }
  /** Downloads through the browser's session; the bytes. */
  async function download(page: Page, href: string): Promise<{ status: number; bytes: Buffer; type: string }> {
    const got = await page.evaluate(async (url) => {
      const r = await fetch(url);
      const buf = new Uint8Array(await r.arrayBuffer());
      let bin = '';
      for (const b of buf) bin += String.fromCharCode(b);
      return { status: r.status, body: btoa(bin), type: r.headers.get('content-type') ?? '' };
    }, href);
    return { status: got.status, bytes: Buffer.from(got.body, 'base64'), type: got.type };
  }
  function unzipCsv(zipBytes: Buffer, name: string): string {
    const file = path.join(world.dir, name);
    fs.writeFileSync(file, zipBytes);
    execFileSync('unzip', ['-tq', file]);
    return execFileSync('unzip', ['-p', file]).toString('utf8');
  }

  it('a customer asks for more than a view shows; the worker produces it, the email says it is ready, and the zip holds the engine\'s rows', async () => {
    const page = await kit.newPage();
    expect(await kit.logIn(page, 'demo-customer', world.logins['demo-customer']!)).to.equal(200);
    const to = addDays(world.today, -1), from = addDays(world.today, -45);
    expect(await kit.go(page, `/usage/${ESI.one}/interval?from=${from}&to=${to}`)).to.equal(400);
    await kit.submit(page, '#export-instead');
    expect(await page.$eval('#export-esiids', (e) => (e as HTMLTextAreaElement).value)).to.equal(ESI.one);
    expect(await kit.submit(page, '#export-submit')).to.equal(200);
    const order = (await kit.text(page, '#ordered strong')).trim();
    expect(order).to.match(/^E\d+$/);
    await waitUntilReady(page, order);
    await kit.snap(page, 'exports-ready');

    await kit.go(page, '/dev/mail');
    expect(await kit.text(page, '#mail')).to.contain(`your export ${order} is ready`);
    await kit.followMailLink(page, 'demo-customer@smt-platform.invalid');
    expect(page.url()).to.match(/\/exports$/);
    const href = await page.$eval(`#order-${order} a.download`, (a) => a.getAttribute('href')!);
    const file = await download(page, href);
    expect(file.status).to.equal(200);
    expect(file.type).to.contain('application/zip');
    const csv = unzipCsv(file.bytes, 'customer.zip');
    const rep = await (await world.app.registry()).findParticipantByDuns(DEMO_REP);
    expect(csv).to.equal(await engineCsv('INTERVAL', from, to, [ESI.one], { participantId: rep!.id, kind: 'REP', duns: new Set([DEMO_REP]) }));
    expect(csv.split('\r\n').length).to.be.greaterThan(45 * 96);
    const audit = await kit.audit('EXPORT_REQUESTED');
    expect(audit.map((e) => `${e.login} ${e.detail}`)).to.include(`demo-customer order ${order}: INTERVAL 1 ESI ID(s) ${from}..${to}`);
    expect((await kit.audit('EXPORT')).some((e) => e.login === 'demo-customer' && e.detail.startsWith(`order ${order} file `))).to.equal(true);

    // Another user cannot download it, whatever the URL.
    const other = await kit.newPage();
    await kit.logIn(other, 'demo-tdsp', world.logins['demo-tdsp']!);
    expect((await download(other, href)).status).to.equal(404);
  });

  it('a customer cannot export a meter that is not hers: a clear message, and no order', async () => {
    const page = await kit.newPage();
    await kit.logIn(page, 'demo-customer', world.logins['demo-customer']!);
    const before = await (await world.app.db()).manager.count(PortalExport);
    await kit.go(page, `/exports?esiid=${ESI.one}%0A${ESI.two}&type=daily&from=${addDays(world.today, -20)}&to=${addDays(world.today, -1)}`);
    expect(await kit.submit(page, '#export-submit')).to.equal(400);
    expect(await kit.text(page, '#export-problem')).to.equal(`ESI ID ${ESI.two} is not one of your meters.`);
    expect(await (await world.app.db()).manager.count(PortalExport)).to.equal(before);
  });

  it('a REP user exports two ESI IDs: PGP for the REP\'s key, only its REP-of-record days', async () => {
    const page = await kit.newPage();
    await kit.logIn(page, 'demo-rep', world.logins['demo-rep']!);
    const to = addDays(world.today, -1), from = addDays(world.today, -30);
    await kit.go(page, `/exports?esiid=${ESI.one},${ESI.moving}&type=daily&from=${from}&to=${to}`);
    expect(await kit.submit(page, '#export-submit')).to.equal(200);
    const order = (await kit.text(page, '#ordered strong')).trim();
    await waitUntilReady(page, order);
    await kit.snap(page, 'exports-rep');
    const href = await page.$eval(`#order-${order} a.download`, (a) => a.getAttribute('href')!);
    const file = await download(page, href);
    expect(file.type).to.contain('application/pgp-encrypted');
    expect(file.bytes.toString('latin1')).to.match(/^-----BEGIN PGP MESSAGE-----/);
    const encrypted = path.join(world.dir, 'rep.asc');
    fs.writeFileSync(encrypted, file.bytes);
    const key = await readPrivateKey(fs.readFileSync(path.join(world.dir, 'demo', 'demo-rep', 'pgp-private.asc'), 'utf8'));
    await decryptToFile(encrypted, path.join(world.dir, 'rep.zip'), key, { maxBytes: 50_000_000 });
    const csv = unzipCsv(fs.readFileSync(path.join(world.dir, 'rep.zip')), 'rep-copy.zip');
    const rep = await (await world.app.registry()).findParticipantByDuns(DEMO_REP);
    expect(csv).to.equal(await engineCsv('DAILY', from, to, [ESI.one, ESI.moving], { participantId: rep!.id, kind: 'REP', duns: new Set([DEMO_REP]) }));
    const movingDays = csv.split('\r\n').filter((l) => l.includes(ESI.moving)).length;
    expect(movingDays).to.equal(30 - 10);
  });

  it('a REP user may ask for every version of each day; a customer posting the same option still gets the latest only', async () => {
    const db = await world.app.db();
    const versionOf = async (orderNumber: string) => {
      const order = await db.manager.findOneByOrFail(PortalExport, { orderNumber });
      return (await db.manager.findOneByOrFail(ReportRequest, { id: Number(order.requestIds) })).version;
    };
    const rep = await kit.newPage();
    await kit.logIn(rep, 'demo-rep', world.logins['demo-rep']!);
    await kit.go(rep, `/exports?esiid=${ESI.one}&type=daily&from=${addDays(world.today, -5)}&to=${addDays(world.today, -1)}`);
    await rep.click('#export-all-versions');
    expect(await kit.submit(rep, '#export-submit')).to.equal(200);
    expect(await versionOf((await kit.text(rep, '#ordered strong')).trim())).to.equal('A');

    const customer = await kit.newPage();
    await kit.logIn(customer, 'demo-customer', world.logins['demo-customer']!);
    await kit.go(customer, '/exports');
    expect(await customer.$('#export-all-versions')).to.equal(null);
    await kit.post(customer, '/exports', { esiids: ESI.one, type: 'daily', from: addDays(world.today, -5), to: addDays(world.today, -1), allVersions: 'yes' });
    const user = (await kit.audit('EXPORT_REQUESTED')).filter((e) => e.login === 'demo-customer').pop()!;
    expect(user.detail).to.match(/^order E\d+: DAILY 1 ESI ID/);
    expect(await versionOf(/^order (E\d+)/.exec(user.detail)![1]!)).to.equal('L');
  });

  it('a customer may ask for platform estimates: the zip gains the estimate columns, every row of meter data marked N; without the box the request asks for none', async () => {
    const page = await kit.newPage();
    await kit.logIn(page, 'demo-customer', world.logins['demo-customer']!);
    const from = addDays(world.today, -5), to = addDays(world.today, -1);
    await kit.go(page, `/exports?esiid=${ESI.one}&type=daily&from=${from}&to=${to}`);
    expect(await page.$eval('#export-estimates', (e) => (e as HTMLInputElement).checked)).to.equal(false);
    await page.click('#export-estimates');
    expect(await kit.submit(page, '#export-submit')).to.equal(200);
    const order = (await kit.text(page, '#ordered strong')).trim();
    const db = await world.app.db();
    const requestOf = async (orderNumber: string) => db.manager.findOneByOrFail(ReportRequest, { id: Number((await db.manager.findOneByOrFail(PortalExport, { orderNumber })).requestIds) });
    expect((await requestOf(order)).platformEstimates).to.equal(true);
    await waitUntilReady(page, order);
    const href = await page.$eval(`#order-${order} a.download`, (a) => a.getAttribute('href')!);
    const csv = unzipCsv((await download(page, href)).bytes, 'estimates.zip');
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).to.equal('ESIID,USAGE_DATE,REVISION_DATE,METER_NUMBER,START_READING,END_READING,USAGE_KWH,ESTIMATED_ACTUAL,PLATFORM_ESTIMATE,ESTIMATE_SOURCE');
    const plain = (await engineCsv('DAILY', from, to, [ESI.one], { kind: 'ALL' })).split('\r\n').filter(Boolean);
    // No estimate was made in this world: the same rows as without the option, each marked as meter data.
    expect(lines.slice(1)).to.deep.equal(plain.slice(1).map((l) => `${l},N,`));
    expect((await kit.audit('EXPORT_REQUESTED')).map((e) => e.detail)).to.include(`order ${order}: DAILY with platform estimates 1 ESI ID(s) ${from}..${to}`);

    await kit.go(page, `/exports?esiid=${ESI.one}&type=daily&from=${from}&to=${to}`);
    expect(await kit.submit(page, '#export-submit')).to.equal(200);
    const without = (await kit.text(page, '#ordered strong')).trim();
    expect((await requestOf(without)).platformEstimates).to.equal(false);
    await waitUntilReady(page, without);
  });

  it('holds a user to three exports in progress: the fourth is refused with the reason, and nothing is queued for it', async () => {
    await worker.stop();
    const page = await kit.newPage();
    await kit.logIn(page, 'demo-regulator', world.logins['demo-regulator']!);
    const ask = `/exports?esiid=${ESI.two}&type=monthly&from=${addDays(world.today, -60)}&to=${addDays(world.today, -1)}`;
    for (let i = 0; i < 3; i++) {
      await kit.go(page, ask);
      expect(await kit.submit(page, '#export-submit')).to.equal(200);
    }
    const requests = await (await world.app.db()).manager.count(ReportRequest);
    await kit.go(page, ask);
    expect(await kit.submit(page, '#export-submit')).to.equal(400);
    expect(await kit.text(page, '#export-problem')).to.equal('You have 3 exports in progress; ask for another when one of them is ready.');
    expect(await (await world.app.db()).manager.count(ReportRequest)).to.equal(requests);
  });
});
