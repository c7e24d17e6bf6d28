/**
 * Ingest benchmark: N synthetic records (many ESI IDs and days, DST days, ~1% broken) as LSE
 * files of 50,000 records, loaded into a fresh embedded database that first holds D days of
 * 50,000 ESI IDs — the steady state of a live system, not an empty table.
 *   npm run bench:ingest -- --records 2500000 --prefill-days 60
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { addDays } from '../src/core/cpt';
import { sqliteFile } from '../src/db/data-source';
import { generatedEsiid, generateLseSet } from './lib/lse-generator';

const TDSP = '100000001';
const PREFILL_ESIIDS = 50_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '500000' },
      'prefill-days': { type: 'string', default: '60' },
      esiids: { type: 'string', default: String(PREFILL_ESIIDS) },
      keep: { type: 'boolean', default: false },
    },
  });
  const records = Number(values.records);
  const prefillDays = Number(values['prefill-days']);
  const esiids = Number(values.esiids);
  const startDay = '2025-03-05';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-ingest-'));
  const config = loadConfig({ SMT_DATA_DIR: path.join(dir, 'data') });
  const app = createApp(config);
  try {
    await app.db();
    register(sqliteFile(config));
    let t = Date.now();
    prefill(sqliteFile(config), addDays(startDay, -prefillDays), prefillDays);
    log(`prefilled ${prefillDays} days x ${PREFILL_ESIIDS} ESI IDs (${(prefillDays * PREFILL_ESIIDS).toLocaleString('en-US')} rows) in ${secs(t)} s`);
    t = Date.now();
    const set = await generateLseSet({ out: path.join(dir, 'lse'), records, esiids, startDay, sender: TDSP, rep: '200000001', seed: 7 });
    log(`generated ${set.records.toLocaleString('en-US')} records (${set.badRecords} broken) in ${set.files.length} files in ${secs(t)} s`);
    const ingest = (await app.ingestService()).newRun();
    t = Date.now();
    let loaded = 0;
    for (const file of set.files) {
      const summary = await ingest.loadFile({ displayName: path.basename(file), lsePath: file, sizeBytes: fs.statSync(file).size });
      loaded += summary.byCode['00'] ?? 0;
    }
    const seconds = (Date.now() - t) / 1000;
    log(`ingested ${set.records.toLocaleString('en-US')} records (${loaded.toLocaleString('en-US')} loaded) in ${seconds.toFixed(2)} s`);
    log(`RESULT ingest: ${Math.round(set.records / seconds).toLocaleString('en-US')} records/s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await app.close();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

function register(file: string): void {
  const db = new Database(file);
  db.exec(`INSERT INTO market_participant (name, kind) VALUES ('Bench TDSP', 'TDSP'), ('Bench REP', 'REP');
    INSERT INTO participant_duns (duns, participant_id) VALUES ('${TDSP}', 1), ('200000001', 2);`);
  db.close();
}

/** Registers the ESI IDs and their REP, and writes D days of stored intervals directly, in key order, as a live system would hold them. */
function prefill(file: string, firstDay: string, days: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(`INSERT INTO interval_day (operating_day, channel, esiid, version, interval_count, interval_values,
    origin, transaction_id, file_id) VALUES (?, 4, ?, ?, 96, ?, 'M', ?, 0)`);
  const values = Buffer.alloc(96 * 4, 1);
  const ids = Array.from({ length: PREFILL_ESIIDS }, (_, i) => generatedEsiid(i + 1)).sort();
  const ror = db.prepare("INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) VALUES (?, '200000001', '2020-01-01', NULL, 'registry')");
  const esiid = db.prepare("INSERT INTO esiid (esiid, tdsp_duns) VALUES (?, ?)");
  db.transaction(() => ids.forEach((id) => (esiid.run(id, TDSP), ror.run(id))))();
  const writeDay = db.transaction((day: string) => {
    const version = Number(`${addDays(day, 1).replace(/-/g, '')}060000`);
    for (const esiid of ids) insert.run(day, esiid, version, values, `${esiid}${day}`);
  });
  for (let d = 0; d < days; d++) writeDay(addDays(firstDay, d));
  db.close();
}

function secs(from: number): string {
  return ((Date.now() - from) / 1000).toFixed(1);
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:ingest failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
