import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as soap from 'soap';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import type { FileLoadSummary } from '../../src/ingest/ingest-result';
import { HanHarness } from './han-harness';
import { createTestDatabase } from './postgres-database';
import type { ClientFiles } from './soap-harness';

/**
 * The market the EsiIdData tests ask about, on a fresh platform (SQLite, development setup):
 * - demo REP 200000001 serves 01..05 (development setup); Second REP 200000002 serves 06 (demo TDSP
 *   100000001's territory) and OTHER (the 22-digit ESI ID of Other TDSP 100000002);
 * - spring-forward day 2026-03-08: 01 and 06 loaded with 92 intervals (interval k holds k/1000 kWh);
 *   02 sent with 96 intervals and refused (code 03); nothing else sent;
 * - fall-back day 2026-11-01: 01 and 02 loaded with 100 intervals (k/1000 kWh), OTHER loaded by Other TDSP.
 */
export const TDSP = '100000001';
export const OTHER_TDSP = '100000002';
export const REP = '200000001';
export const REP_B = '200000002';
export const E = (n: string) => `104437200000000${n}`;
export const OTHER = '1008901000000000000001';
export const SPRING = '2026-03-08';
export const FALL = '2026-11-01';
export const SPRING_FILE = `${TDSP}IntervalData20260309060000001.lse`;

export interface EsiidDataMarket {
  harness: HanHarness;
  rep: ClientFiles;
  repB: ClientFiles;
  tdsp: ClientFiles;
  otherTdsp: ClientFiles;
  /** A signed, mutual-TLS node-soap client of EsiIdData for these credentials. */
  client(files: ClientFiles): Promise<soap.Client>;
}

const kwh = (n: number) => Array.from({ length: n }, (_, i) => (i + 1) / 1000);

function file(sender: string, records: { esiid: string; day: string; n: number; rep: string }[]): string {
  return records.map((r) => formatLseRecord({
    esiid: r.esiid, channel: 4, day: r.day, version: `${r.day.replace(/-/g, '')}230000`, sender, rep: r.rep, values: kwh(r.n),
  })).join('');
}

/**
 * Starts the platform for the enclosing suite and loads the market above, on the embedded database or
 * on a scratch PostgreSQL database (the suite is skipped, saying so, when no test server is configured).
 */
export function esiidDataMarket(prefix: string, engine: 'sqlite' | 'postgres' = 'sqlite'): EsiidDataMarket {
  const market = { client: (files: ClientFiles) => market.harness.client('EsiIdData', files) } as EsiidDataMarket;
  let drop: (() => Promise<void>) | null = null;
  before(async function () {
    this.timeout(120_000);
    let settings: Record<string, string> = { SMT_REPORT_POLL_MS: '100' };
    if (engine === 'postgres') {
      const db = await createTestDatabase(prefix.replace(/\W+/g, '_'));
      if (!db) return this.skip();
      drop = db.drop;
      settings = { ...settings, SMT_DB_TYPE: 'postgres', SMT_DB_URL: db.url };
    }
    const harness = market.harness = new HanHarness(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), settings);
    await harness.start({ mock: false });
    market.rep = harness.files(harness.participant('REP'));
    market.tdsp = harness.files(harness.participant('TDSP'));
    market.repB = await harness.addParticipant('Second REP', 'REP', REP_B);
    market.otherTdsp = await harness.addParticipant('Other TDSP', 'TDSP', OTHER_TDSP);
    await harness.importRegistry('esiids.csv', ['esiid,tdsp_duns,meter_number', `${E('06')},${TDSP},M0000006`, `${OTHER},${OTHER_TDSP},M9000001`]);
    await harness.importRegistry('ror.csv', ['esiid,rep_duns,effective_from,effective_to', `${E('06')},${REP_B},2024-01-01,`, `${OTHER},${REP_B},2024-01-01,`]);
    const loaded = [
      await load(harness, SPRING_FILE, file(TDSP, [
        { esiid: E('01'), day: SPRING, n: 92, rep: REP }, { esiid: E('02'), day: SPRING, n: 96, rep: REP }, { esiid: E('06'), day: SPRING, n: 92, rep: REP_B },
      ])),
      await load(harness, `${TDSP}IntervalData20261102060000001.lse`, file(TDSP, [
        { esiid: E('01'), day: FALL, n: 100, rep: REP }, { esiid: E('02'), day: FALL, n: 100, rep: REP },
      ])),
      await load(harness, `${OTHER_TDSP}IntervalData20261102060000001.lse`, file(OTHER_TDSP, [{ esiid: OTHER, day: FALL, n: 100, rep: REP_B }])),
    ];
    const codes = loaded.map((s) => s.byCode);
    if (JSON.stringify(codes) !== JSON.stringify([{ '00': 2, '03': 1 }, { '00': 2 }, { '00': 1 }])) throw new Error(`unexpected load results: ${JSON.stringify(codes)}`);
  });
  after(async () => {
    if (market.harness) {
      await market.harness.stop();
      fs.rmSync(market.harness.dataDir, { recursive: true, force: true });
    }
    await drop?.();
  });
  return market;
}

async function load(harness: HanHarness, name: string, text: string): Promise<FileLoadSummary> {
  const lsePath = path.join(harness.dataDir, name);
  fs.writeFileSync(lsePath, text, 'latin1');
  const run = (await harness.app.ingestService()).newRun({ kind: 'operator', osUser: 'test' });
  return run.loadFile({ displayName: name, lsePath, sizeBytes: fs.statSync(lsePath).size });
}
