/**
 * Generates large synthetic LSE sets for ingest benchmarks and soak tests.
 *   node -r ts-node/register/transpile-only scripts/generate-lse.ts --help
 */
import { parseArgs } from 'node:util';
import { generateLseSet, type LseGeneratorOptions } from './lib/lse-generator';

const USAGE = `Usage: generate-lse --out DIR --records N [options]

Writes N synthetic LSE records into DIR as <DUNS>IntervalData<timestamp><counter>.lse files.
Records cycle over the ESI IDs (1044372 + 10-digit index), one operating day after another from
the start day, channel 4 for every ESI ID plus channel 1 for every tenth. The same seed gives the
same files.

Options:
  --out DIR              output folder (created if missing)
  --records N            number of records to write
  --esiids E             ESI IDs to cycle over (default 10000)
  --start-day YYYY-MM-DD first operating day (default 2025-03-01; DST days appear as the range crosses them)
  --sender DUNS          TDSP DUNS in the file names and records (default 100000001)
  --rep DUNS             REP of record in every record (default 200000001; "none" leaves it out)
  --bad-percent P        share of broken records in percent (default 1)
  --per-file N           records per file (default 50000, the ERCOT maximum)
  --seed S               PRNG seed (default 1)
  --help                 this text
`;

function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${text}"`);
  return n;
}

export function parseOptions(args: string[]): LseGeneratorOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      records: { type: 'string' },
      esiids: { type: 'string' },
      'start-day': { type: 'string' },
      sender: { type: 'string' },
      rep: { type: 'string' },
      'bad-percent': { type: 'string' },
      'per-file': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const records = wholeNumber('records', values.records);
  if (values.out === undefined || records === undefined) throw new Error('--out and --records are required');
  const badPercent = values['bad-percent'] === undefined ? undefined : Number(values['bad-percent']);
  if (badPercent !== undefined && !(badPercent >= 0 && badPercent <= 100)) {
    throw new Error(`--bad-percent must be 0..100, got "${values['bad-percent']}"`);
  }
  return {
    out: values.out,
    records,
    esiids: wholeNumber('esiids', values.esiids),
    startDay: values['start-day'],
    sender: values.sender,
    rep: values.rep === 'none' ? null : values.rep,
    badPercent,
    perFile: wholeNumber('per-file', values['per-file']),
    seed: wholeNumber('seed', values.seed),
  };
}

async function main(args: string[]): Promise<number> {
  let options: LseGeneratorOptions | 'help';
  try {
    options = parseOptions(args);
  } catch (error) {
    process.stderr.write(`generate-lse: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = process.hrtime.bigint();
  const set = await generateLseSet(options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = Math.round(set.records / Math.max(seconds, 1e-9));
  process.stdout.write(
    `Wrote ${set.records} records (${set.badRecords} broken) in ${set.files.length} file(s) to ${options.out} ` +
      `in ${seconds.toFixed(1)} s (${rate} records/s).\n`,
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`generate-lse: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
