/**
 * The zip + PGP stage alone: pushes an interval report's CSV in ~1 MB chunks through
 * ReportFileWriter (zip, then OpenPGP, armored), each deflate level in its own process so peak RSS
 * is its own. The CSV is either synthetic (R rows, default 4.8 million, ~390 MB: 50,000 ESI IDs x 96
 * intervals) or a real report's (--csv FILE, header first, as `smt report --out` writes it); either
 * way every chunk is built before the clock starts, so only the stage is timed.
 *   npm run bench:report-file -- [--rows 4800000] [--level 1] [--max-csv-mb 1024] [--csv FILE --key PUBLIC.asc] [--json]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generatePgpKeyPair, readPublicKey } from '../src/delivery/pgp';
import { ReportFileWriter } from '../src/delivery/report-file.writer';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:report-file -- [options]
  --rows N           synthetic CSV rows (default 4800000: 50,000 ESI IDs x 96 intervals)
  --level L          deflate level (default: levels 1 and 6, each in its own process)
  --max-csv-mb M     split the report into files of at most M MB of CSV (default 0: one file)
  --csv FILE         a real report's CSV (header first, as smt report --out writes it) instead of synthetic rows
  --key PUBLIC.asc   the recipient's public key (default: a key generated for the run)
  --json             print the result as one JSON line
  --help, -h    this text`;

const HEADER =
  'ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION\r\n';
const CHUNK_BYTES = 1024 * 1024;
const DEFAULT_LEVELS = ['1', '6'];

export interface StageResult {
  seconds: number;
  /** CPU time of the process (every thread) while timed: less sensitive to load from elsewhere than wall time. */
  cpuSeconds: number;
  rows: number;
  csvBytes: number;
  outBytes: number;
  files: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const values = benchArgs('bench:report-file', USAGE, {
    rows: { type: 'string', default: '4800000' },
    level: { type: 'string' },
    'max-csv-mb': { type: 'string', default: '0' },
    csv: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (values.level === undefined) {
    for (const level of DEFAULT_LEVELS) await runChild([...process.argv.slice(2), '--level', level]);
    return;
  }
  const level = Number(values.level);
  const maxCsvMb = Number(values['max-csv-mb']);
  const { header, chunks } = values.csv ? chunksOfFile(values.csv) : { header: HEADER, chunks: syntheticChunks(Number(values.rows)) };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-bench-report-file-'));
  try {
    const armoredKey = values.key ? fs.readFileSync(values.key, 'utf8') : (await generatePgpKeyPair({ name: 'Bench REP', email: 'bench@example.com' })).publicArmored;
    const writer = new ReportFileWriter({
      folder: path.join(dir, 'ftps', '134642921', 'adhoc'),
      reportName: 'IntervalMeterUsage',
      duns: '134642921',
      recipientKey: await readPublicKey(armoredKey),
      header,
      maxCsvBytes: maxCsvMb > 0 ? maxCsvMb * 1024 * 1024 : Number.MAX_SAFE_INTEGER,
      createdAt: new Date(),
      compressionLevel: level,
    });
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let rows = 0;
    for (const chunk of chunks) {
      await writer.write(chunk.csv, chunk.records);
      rows += chunk.records;
    }
    const files = await writer.close();
    const result: StageResult = {
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      cpuSeconds: cpuSecondsSince(cpu),
      rows,
      csvBytes: files.reduce((sum, f) => sum + f.csvBytes, 0),
      outBytes: files.reduce((sum, f) => sum + f.bytes, 0),
      files: files.length,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    if (values.json) {
      log(JSON.stringify(result));
      return;
    }
    log(
      `RESULT report-file level ${level}: ${rows.toLocaleString('en-US')} rows, ${(result.csvBytes / 1e6).toFixed(0)} MB CSV -> ` +
        `${files.length} file(s), ${(result.outBytes / 1e6).toFixed(0)} MB armored, in ${result.seconds.toFixed(2)} s ` +
        `(${(result.csvBytes / 1e6 / result.seconds).toFixed(0)} MB/s of CSV; ${result.cpuSeconds.toFixed(2)} s CPU); peak RSS ${result.peakRssMb} MB (the chunks held in memory included)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Chunk {
  csv: string;
  records: number;
}

/** A CSV file cut into ~1 MB chunks of whole rows, header apart. */
function chunksOfFile(file: string): { header: string; chunks: Chunk[] } {
  const text = fs.readFileSync(file, 'latin1');
  const headerEnd = text.indexOf('\r\n') + 2;
  const chunks: Chunk[] = [];
  for (let start = headerEnd; start < text.length; ) {
    const cut = text.indexOf('\r\n', Math.min(start + CHUNK_BYTES, text.length - 2));
    const end = cut < 0 ? text.length : cut + 2;
    const csv = text.slice(start, end);
    let records = 0;
    for (let i = csv.indexOf('\n'); i >= 0; i = csv.indexOf('\n', i + 1)) records++;
    // A flat copy, so each chunk is a string of its own and not a slice pinning the whole file.
    chunks.push({ csv: Buffer.from(csv, 'latin1').toString('latin1'), records });
    start = end;
  }
  return { header: text.slice(0, headerEnd), chunks };
}

const SLOTS = Array.from({ length: 96 }, (_, i) => `,${clock(i * 15)},${clock((i + 1) * 15)},`);
/** Pre-formatted kWh values: number formatting would otherwise dominate the generator. */
const KWH = Array.from({ length: 4096 }, (_, i) => (i / 1000).toFixed(3));

/** Whole ESI-ID days in ~1 MB chunks, the batches report builders write. */
function syntheticChunks(rows: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (let written = 0, esiids = Math.ceil(rows / 96); written < rows; ) {
    const chunk = chunkFrom(written / 96, esiids, rows - written);
    chunks.push(chunk);
    written += chunk.records;
  }
  return chunks;
}

function chunkFrom(firstEsi: number, esiids: number, rowsLeft: number): Chunk {
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
  return { csv: Buffer.from(csv, 'latin1').toString('latin1'), records };
}

function clock(minute: number): string {
  const m = minute % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Runs this script again for one level. Compiled (dist/scripts/*.js, what `npm run` uses) it runs
 * as is; from the TypeScript sources it needs the TypeScript runtime of the sources, never a copy
 * under dist/ (that one looks for dist/tsconfig.json, which does not exist: TS5083).
 */
function runChild(args: string[]): Promise<void> {
  const fromSources = __filename.endsWith('.ts');
  const node = fromSources ? ['-r', path.join(__dirname, '../src/core/typescript-runtime.js'), __filename] : [__filename];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...node, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`level run ${args.join(' ')} exited with ${status}`))));
  });
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`bench-report-file failed: ${(error as Error).stack}\n`);
    process.exitCode = 1;
  });
}
