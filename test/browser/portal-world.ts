import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { addDays, cptToday, dstDays, intervalsInDay } from '../../src/core/cpt';
import type { StartedPortal } from '../../src/portal/portal.wiring';
import { ensureDevelopmentSetup } from '../../src/security/development-setup';
import { formatLseRecord, lseFileName } from '../../scripts/lib/lse-writer';

export const TDSP = '100000001';
export const DEMO_REP = '200000001';
export const OTHER_REP = '200000002';
/** Demo ESI IDs 01 and 02 (demo REP throughout) and 06, which moves from the demo REP to another on SWITCH_DAY. */
export const ESI = { one: '10443720000000001', two: '10443720000000002', moving: '10443720000000006' };

/** A platform with the portal on a random port, demo accounts, and 60 days of data (and this year's DST days) for three ESI IDs. */
export interface PortalWorld {
  app: App;
  portal: StartedPortal;
  dir: string;
  /** chromium's --user-data-dir, empty at start. */
  profile: string;
  today: string;
  switchDay: string;
  dstDays: { springForward: string; fallBack: string };
  logins: Record<string, string>;
  browser: Browser;
  shots: string;
}

export async function startPortalWorld(env: Record<string, string> = {}): Promise<PortalWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-'));
  const app = createApp(loadConfig({ SMT_DATA_DIR: dir, SMT_PORTAL_PORT: '0', SMT_LOG_LEVEL: 'error', ...env }));
  await ensureDevelopmentSetup(app);
  const today = cptToday();
  const switchDay = addDays(today, -10);
  const registry = await app.registry();
  await registry.addParticipant({ name: 'Other REP', kind: 'REP', duns: [OTHER_REP] });
  const esiids = path.join(dir, 'esiids-06.csv');
  fs.writeFileSync(esiids, `esiid,tdsp_duns,meter_number\n${ESI.moving},${TDSP},M0000006\n`);
  const stretches = path.join(dir, 'stretches-06.csv');
  fs.writeFileSync(stretches, `esiid,rep_duns,effective_from,effective_to\n${ESI.moving},${DEMO_REP},2024-01-01,${addDays(switchDay, -1)}\n${ESI.moving},${OTHER_REP},${switchDay},\n`);
  for (const file of [esiids, stretches]) {
    const result = await (await app.registryImport()).importCsv(file);
    if (result.rejected.length > 0) throw new Error(JSON.stringify(result.rejected));
  }
  const year = Number(today.slice(0, 4));
  const dst = [dstDays(year)!, dstDays(year - 1)!];
  const recent = { springForward: dst.map((d) => d.springForward).find((d) => d < today)!, fallBack: dst.map((d) => d.fallBack).find((d) => d < today)! };
  await loadUsage(app, dir, today, switchDay, [recent.springForward, recent.fallBack]);
  const portal = await app.startPortal();
  const logins = Object.fromEntries(fs.readFileSync(portal.demoLogins!, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' ').slice(0, 2)));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptInsecureCerts: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  });
  // Screenshots outlive the run (one folder per run, beside the other test output); the data dir and profile do not.
  const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-screenshots-'));
  return { app, portal, dir, profile, today, switchDay, dstDays: recent, logins, browser, shots };
}

export async function stopPortalWorld(world: PortalWorld | undefined): Promise<void> {
  if (!world) return;
  await world.browser.close().catch(() => undefined);
  await world.app.close();
  for (const dir of [world.dir, world.profile]) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * 45 days up to yesterday, and the two DST days, for ESI 01, 02 and 06: interval i of a day is
 * 0.1 + i/1000 kWh (so totals are known), every 10th interval estimated, interval 5 of ESI 02 blank.
 */
async function loadUsage(app: App, dir: string, today: string, switchDay: string, extraDays: string[]): Promise<void> {
  const days = [...extraDays];
  for (let day = addDays(today, -45); day < today; day = addDays(day, 1)) if (!days.includes(day)) days.push(day);
  let text = '';
  for (const esiid of [ESI.one, ESI.two, ESI.moving]) {
    for (const day of days) {
      const n = intervalsInDay(day);
      const values = Array.from({ length: n }, (_, i) => (esiid === ESI.two && i === 4 ? null : Math.round((0.1 + i / 1000) * 1000) / 1000));
      const statuses = values.map((v, i) => (v === null ? '' : i % 10 === 9 ? 'E' : 'A'));
      const rep = esiid === ESI.moving && day >= switchDay ? OTHER_REP : DEMO_REP;
      text += formatLseRecord({ esiid, channel: 4, day, version: `${addDays(day, 1).replace(/-/g, '')}060000`, sender: TDSP, rep, values, statuses });
    }
  }
  const file = path.join(dir, lseFileName(TDSP, `${today.replace(/-/g, '')}050000`, 1));
  fs.writeFileSync(file, text);
  const summary = await (await app.ingestService()).newRun({ kind: 'operator', osUser: 'test' }).loadFile({ displayName: path.basename(file), lsePath: file, sizeBytes: fs.statSync(file).size });
  if (JSON.stringify(summary).includes('"rejected":[{')) throw new Error(`test data not loaded: ${JSON.stringify(summary).slice(0, 500)}`);
}
