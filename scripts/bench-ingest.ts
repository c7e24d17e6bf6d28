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
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { addDays } from '../src/core/cpt';
import { sqliteFile } from '../src/db/data-source';
import { BENCH_REP, BENCH_TDSP, benchEsiids, prefillDays, registerBenchParticipants } from './lib/bench-database';
import { generateLseSet } from './lib/lse-generator';

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
  const prefillDayCount = Number(values['prefill-days']);
  const esiids = Number(values.esiids);
  const startDay = '2025-03-05';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-ingest-'));
  const config = loadConfig({ SMT_DATA_DIR: path.join(dir, 'data') });
  const app = createApp(config);
  try {
    await app.db();
    registerBenchParticipants(sqliteFile(config));
    let t = Date.now();
    prefillDays(sqliteFile(config), benchEsiids(PREFILL_ESIIDS), addDays(startDay, -prefillDayCount), prefillDayCount);
    log(`prefilled ${prefillDayCount} days x ${PREFILL_ESIIDS} ESI IDs (${(prefillDayCount * PREFILL_ESIIDS).toLocaleString('en-US')} rows) in ${secs(t)} s`);
    t = Date.now();
    const set = await generateLseSet({ out: path.join(dir, 'lse'), records, esiids, startDay, sender: BENCH_TDSP, rep: BENCH_REP, seed: 7 });
    log(`generated ${set.records.toLocaleString('en-US')} records (${set.badRecords} broken) in ${set.files.length} files in ${secs(t)} s`);
    const ingest = (await app.ingestService()).newRun({ kind: 'operator', osUser: 'bench' });
    t = Date.now();
    let loaded = 0;
    const files = set.files.map((file) => ({ displayName: path.basename(file), lsePath: file, sizeBytes: fs.statSync(file).size }));
    for await (const summary of ingest.loadFiles(files)) loaded += summary.byCode['00'] ?? 0;
    const seconds = (Date.now() - t) / 1000;
    log(`ingested ${set.records.toLocaleString('en-US')} records (${loaded.toLocaleString('en-US')} loaded) in ${seconds.toFixed(2)} s`);
    log(`RESULT ingest: ${Math.round(set.records / seconds).toLocaleString('en-US')} records/s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await app.close();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
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
