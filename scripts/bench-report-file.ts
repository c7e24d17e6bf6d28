/**
 * Report file benchmark: pushes an interval report of R rows (default 4.8 million, ~390 MB of CSV:
 * 50,000 ESI IDs x 96 intervals) in ~1 MB chunks through ReportFileWriter (zip, then OpenPGP,
 * armored), once per deflate level, each level in its own process so peak RSS is its own.
 *   node -r ./src/core/typescript-runtime.js scripts/bench-report-file.ts [--rows 4800000] [--level 1]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatePgpKeyPair, readPublicKey } from '../src/delivery/pgp';
import { ReportFileWriter } from '../src/delivery/report-file.writer';

const HEADER =
  'ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION\r\n';
const CHUNK_BYTES = 1024 * 1024;
const DEFAULT_LEVELS = ['1', '6'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '4800000' },
      level: { type: 'string' },
      'max-csv-mb': { type: 'string', default: '0' },
    },
  });
  if (values.level === undefined) {
    for (const level of DEFAULT_LEVELS) await runChild([...process.argv.slice(2), '--level', level]);
    return;
  }
  const rows = Number(values.rows);
  const level = Number(values.level);
  const maxCsvMb = Number(values['max-csv-mb']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-report-file-'));
  try {
    const pair = await generatePgpKeyPair({ name: 'Bench REP', email: 'bench@example.com' });
    const writer = new ReportFileWriter({
      folder: path.join(dir, 'ftps', '134642921', 'adhoc'),
      reportName: 'IntervalMeterUsage',
      duns: '134642921',
      recipientKey: await readPublicKey(pair.publicArmored),
      header: HEADER,
      maxCsvBytes: maxCsvMb > 0 ? maxCsvMb * 1024 * 1024 : Number.MAX_SAFE_INTEGER,
      createdAt: new Date(),
      compressionLevel: level,
    });
    const started = process.hrtime.bigint();
    let generating = 0n;
    let written = 0;
    for (const esiids = Math.ceil(rows / 96); written < rows; ) {
      const t = process.hrtime.bigint();
      const { csv, records } = chunkFrom(written / 96, esiids, rows - written);
      generating += process.hrtime.bigint() - t;
      await writer.write(csv, records);
      written += records;
    }
    const files = await writer.close();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const csvMb = files.reduce((sum, f) => sum + f.csvBytes, 0) / 1e6;
    const outMb = files.reduce((sum, f) => sum + f.bytes, 0) / 1e6;
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    log(
      `RESULT report-file level ${level}: ${written.toLocaleString('en-US')} rows, ${csvMb.toFixed(0)} MB CSV -> ` +
        `${files.length} file(s), ${outMb.toFixed(0)} MB armored, in ${seconds.toFixed(2)} s ` +
        `(${(csvMb / seconds).toFixed(0)} MB/s of CSV; building chunks ${(Number(generating) / 1e9).toFixed(2)} s of it); ` +
        `peak RSS ${rssMb} MB`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SLOTS = Array.from({ length: 96 }, (_, i) => `,${clock(i * 15)},${clock((i + 1) * 15)},`);
/** Pre-formatted kWh values: number formatting would otherwise dominate the generator. */
const KWH = Array.from({ length: 4096 }, (_, i) => (i / 1000).toFixed(3));

/** Whole ESI-ID days from `firstEsi` until ~1 MB, the batches report builders write. */
function chunkFrom(firstEsi: number, esiids: number, rowsLeft: number): { csv: string; records: number } {
  let csv = '';
  let records = 0;
  let seed = firstEsi * 2654435761;
  for (let esi = firstEsi; esi < esiids && csv.length < CHUNK_BYTES && records < rowsLeft; esi++) {
    const prefix = `'1044372${String(esi + 1).padStart(10, '0')},07/01/2025,07/02/2025 06:00:00`;
    for (let slot = 0; slot < 96 && records < rowsLeft; slot++, records++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      csv += `${prefix}${SLOTS[slot]}${KWH[seed >>> 20]},A,Consumption\r\n`;
    }
  }
  return { csv, records };
}

function clock(minute: number): string {
  const m = minute % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function runChild(args: string[]): Promise<void> {
  const runtime = path.join(__dirname, '../src/core/typescript-runtime.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', runtime, __filename, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`level run ${args.join(' ')} exited with ${status}`))));
  });
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench-report-file failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
