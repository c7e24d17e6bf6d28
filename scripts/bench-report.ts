/**
 * Report benchmark: usage reports from an embedded database into delivered, encrypted files.
 *   npm run bench:report            (50,000 ESI IDs x 1 day, 1 x 48 months, 1,000 x 31 days)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { addDays, cptToday } from '../src/core/cpt';
import { sqliteFile } from '../src/db/data-source';
import { generatePgpKeyPair } from '../src/delivery/pgp';
import { BENCH_REP, benchEsiids, prefillDays, registerBenchParticipants } from './lib/bench-database';

const LAST_DAY = addDays(cptToday(), -1);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-report-'));
  const config = loadConfig({ ...process.env, SMT_DATA_DIR: dir });
  const app = createApp(config);
  try {
    await app.db();
    const key = await generatePgpKeyPair({ name: 'Bench REP', email: 'bench@rep.example' });
    registerBenchParticipants(sqliteFile(config), key.publicArmored);
    let t = Date.now();
    const all = benchEsiids(50_000);
    prefillDays(sqliteFile(config), all, LAST_DAY, 1);
    prefillDays(sqliteFile(config), all.slice(0, 1_000), addDays(LAST_DAY, -31), 31);
    prefillDays(sqliteFile(config), all.slice(0, 1), addDays(LAST_DAY, -1459), 1459 - 31);
    log(`prefilled in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const cases: [string, string[], string][] = [
      ['50,000 ESI IDs x 1 day', all, LAST_DAY],
      ['1 ESI ID x 48 months', all.slice(0, 1), addDays(LAST_DAY, -1459)],
      ['1,000 ESI IDs x 31 days', all.slice(0, 1_000), addDays(LAST_DAY, -30)],
    ];
    const requests = await app.reportRequests();
    const worker = await app.reportWorker();
    for (const [label, esiids, from] of cases) {
      const submitted = await requests.submit({ requesterDuns: BENCH_REP, reportType: 'INTERVAL', startDate: from, endDate: LAST_DAY, esiids });
      t = Date.now();
      await worker.runOnce();
      const seconds = (Date.now() - t) / 1000;
      const status = await requests.status(submitted.correlationId);
      if (status.statusCode !== '0') throw new Error(`${label}: status ${status.statusCode} ${status.statusReason}`);
      const bytes = status.files.reduce((n, f) => n + f.bytes, 0);
      log(`RESULT report ${label}: ${status.recordCount.toLocaleString('en-US')} rows in ${seconds.toFixed(2)} s ` +
        `(${Math.round(status.recordCount / seconds).toLocaleString('en-US')} rows/s, ${(bytes / 1e6).toFixed(1)} MB delivered in ${status.files.length} file(s)); ` +
        `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
    }
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:report failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
