import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { addDays, reportSlots } from '../../src/core/cpt';
import { csvHeader } from '../../src/usage/report-csv';
import { INTERVAL_HEADER } from '../../src/usage/interval-report.builder';
import { ESI, startPortalWorld, stopPortalWorld, type PortalWorld } from './portal-world';

/** What the browser's own XML parser finds in a feed: per IntervalBlock its start, duration and "value/quality" readings. */
interface ParsedFeed { status: number; type: string; blocks: { start: number; duration: number; readings: string[] }[]; entries: number; ids: number }

/** Green Button "Download My Data" in a real browser: the download itself, both DST days, values equal to the interval view's CSV, bounds and isolation. */
describe('portal Green Button download in a real browser', function () {
  this.timeout(180_000);
  let world: PortalWorld;
  let page: Page;
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-gb-downloads-'));

  before(async () => {
    world = await startPortalWorld();
    page = await (await world.browser.createBrowserContext()).newPage();
    await page.setViewport({ width: 1100, height: 800 });
    await go('/login');
    await page.type('#login', 'demo-customer');
    await page.type('#password', world.logins['demo-customer']!);
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
  });
  after(async () => {
    if (world) console.log(`      screenshots: ${world.shots}`);
    await stopPortalWorld(world);
    fs.rmSync(downloads, { recursive: true, force: true });
  });

  const go = async (to: string) => (await page.goto(`${world.portal.url}${to}`, { waitUntil: 'load' }))!.status();
  const feed = (from: string, to: string, esiid = ESI.one): Promise<ParsedFeed> => page.evaluate(async (url) => {
    const r = await fetch(url);
    const doc = new DOMParser().parseFromString(await r.text(), 'application/xml');
    const espi = 'http://naesb.org/espi';
    const first = (e: Element, name: string) => e.getElementsByTagNameNS(espi, name)[0]?.textContent ?? '';
    const blocks = Array.from(doc.getElementsByTagNameNS(espi, 'IntervalBlock')).map((b) => ({
      start: Number(first(b.getElementsByTagNameNS(espi, 'interval')[0]!, 'start')), duration: Number(first(b.getElementsByTagNameNS(espi, 'interval')[0]!, 'duration')),
      readings: Array.from(b.getElementsByTagNameNS(espi, 'IntervalReading')).map((ir) => `${first(ir, 'value')}/${first(ir, 'quality') || '-'}`),
    }));
    const atom = 'http://www.w3.org/2005/Atom';
    const entries = Array.from(doc.getElementsByTagNameNS(atom, 'entry'));
    return { status: r.status, type: r.headers.get('content-type') ?? '', blocks, entries: entries.length, ids: new Set(entries.map((e) => e.getElementsByTagNameNS(atom, 'id')[0]!.textContent)).size };
  }, `/green-button/${esiid}/download?from=${from}&to=${to}`);
  const csv = (url: string) => page.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() }; }, url);

  it('downloads the file from the form, as a customer clicks it', async () => {
    await go('/green-button');
    await Promise.all([page.waitForNavigation(), page.click(`#gb-meters a[href="/green-button/${ESI.one}"]`)]);
    await page.$eval('#gb-from', (e, d) => ((e as HTMLInputElement).value = d), addDays(world.today, -7));
    await page.$eval('#gb-to', (e, d) => ((e as HTMLInputElement).value = d), addDays(world.today, -1));
    await page.screenshot({ path: path.join(world.shots, '01-green-button-form.png') });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, browserContextId: (page.browserContext() as unknown as { id: string }).id });
    await page.click('#gb-download');
    const name = `${ESI.one}-green-button-${addDays(world.today, -7)}-${addDays(world.today, -1)}.xml`;
    for (let i = 0; i < 100 && !fs.existsSync(path.join(downloads, name)); i++) await new Promise((r) => setTimeout(r, 100));
    const xml = fs.readFileSync(path.join(downloads, name), 'utf8');
    expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xmlns:espi="http:\/\/naesb.org\/espi">/);
    expect(xml.split('<espi:IntervalBlock>').length - 1).to.equal(7);
    expect(xml).to.contain('<espi:tzOffset>-21600</espi:tzOffset>').and.to.contain('<espi:intervalLength>900</espi:intervalLength>');
  });

  it('gives 92 readings on the spring-forward day and 100 on the fall-back day, back to back from Central midnight', async () => {
    for (const [day, count, duration] of [[world.dstDays.springForward, 92, 82_800], [world.dstDays.fallBack, 100, 90_000]] as const) {
      const f = await feed(day, day);
      expect(f.status).to.equal(200);
      expect(f.type).to.match(/^application\/atom\+xml/);
      expect(f.ids).to.equal(f.entries);
      expect(f.blocks).to.have.length(1);
      expect(f.blocks[0]!.duration).to.equal(duration);
      expect(f.blocks[0]!.readings).to.have.length(count);
    }
  });

  it('carries exactly the interval view\'s values and estimated flags, and offers the same rows as CSV', async () => {
    const from = addDays(world.today, -12), to = addDays(world.today, -1);
    const f = await feed(from, to);
    const view = await csv(`/usage/${ESI.two}/interval?from=${from}&to=${to}&format=csv`);
    const viewOne = await csv(`/usage/${ESI.one}/interval?from=${from}&to=${to}&format=csv`);
    expect(view.status).to.equal(404); // ESI 02 is not hers
    const rows = viewOne.body.trim().split('\r\n').slice(1).map((l) => l.split(','));
    const expected: string[] = [];
    let k = 0;
    for (let day = from; day <= to; day = addDays(day, 1)) {
      for (const slot of reportSlots(day)) {
        const row = rows[k++]!;
        if (slot.index !== null && row[5] !== '') expected.push(`${Math.round(Number(row[5]) * 1000)}/${row[6] === 'E' ? '8' : '-'}`);
      }
    }
    expect(f.blocks.flatMap((b) => b.readings)).to.deep.equal(expected);
    expect(expected.filter((e) => e.endsWith('/8')).length).to.be.greaterThan(0);
    const gbCsv = await csv(`/green-button/${ESI.one}/download?from=${from}&to=${to}&format=csv`);
    expect(gbCsv.type).to.match(/^text\/csv/);
    expect(gbCsv.body.startsWith(csvHeader(INTERVAL_HEADER))).to.equal(true);
    expect(gbCsv.body).to.equal(viewOne.body);
  });

  it('bounds the range and shows nothing of another meter or to staff', async () => {
    expect(await go(`/green-button/${ESI.one}/download?from=${addDays(world.today, -380)}&to=${addDays(world.today, -1)}`)).to.equal(400);
    expect(await page.$eval('#range-problem', (e) => e.textContent)).to.contain('at most 366 days');
    expect(await go(`/green-button/${ESI.one}/download?from=2020-01-01&to=2020-01-02`)).to.equal(400);
    expect(await page.$eval('#range-problem', (e) => e.textContent)).to.contain('Your history for this view starts on');
    await page.screenshot({ path: path.join(world.shots, '02-green-button-refused.png') });
    for (const esiid of [ESI.two, ESI.moving, 'x%3Cscript%3E']) {
      expect(await go(`/green-button/${esiid}/download?from=${addDays(world.today, -3)}&to=${addDays(world.today, -1)}`)).to.equal(404);
      expect(await go(`/green-button/${esiid}`)).to.equal(404);
    }
    const rep = await (await world.browser.createBrowserContext()).newPage();
    await rep.goto(`${world.portal.url}/login`);
    await rep.type('#login', 'demo-rep');
    await rep.type('#password', world.logins['demo-rep']!);
    await Promise.all([rep.waitForNavigation(), rep.click('#login-submit')]);
    expect((await rep.goto(`${world.portal.url}/green-button/${ESI.one}`))!.status()).to.equal(403);
  });
});
