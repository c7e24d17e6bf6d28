import fs from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { SmtError } from '../core/errors';

/** One CSV record with the file line it starts on (1-based; the header is normally line 1). */
export interface CsvRecord {
  kind: 'record';
  line: number;
  fields: string[];
}

/** Quoting so broken that the parser cannot find where the next record starts: reading stops here. */
export interface CsvBreak {
  kind: 'break';
  line: number;
  reason: string;
}

/**
 * Streams a CSV file's records. Blank lines (and lines of only commas and spaces) are skipped;
 * a BOM, CRLF and quoted fields are handled; records keep whatever number of fields they have so
 * the caller can report a wrong count against the header.
 */
export async function* readCsvRecords(filePath: string): AsyncGenerator<CsvRecord | CsvBreak> {
  const source = fs.createReadStream(filePath);
  // A parse error that reaches the stream destroys it and drops the records already parsed from
  // the same chunk (up to 64 KiB of good rows), so errors are taken through on_skip instead and
  // reading stops at the first record parsed after one: the parser is out of step from there on.
  let broken: CsvError | null = null;
  const parser = parse({
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    // A stray quote inside an unquoted value stays part of the value, which validation then reports.
    relax_quotes: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      broken ??= error ?? null;
      return undefined;
    },
  });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  // csv-parse counts a CRLF inside a quoted field as two lines; subtract those to keep later line numbers right.
  let extraLines = 0;
  let lastEnd = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (broken && info.lines >= errorLine(broken)) break;
      const breaks = lineBreaks(record);
      extraLines += breaks.crlf;
      const end = info.lines - extraLines;
      lastEnd = end;
      if (record.every((field) => field === '')) continue;
      yield { kind: 'record', line: end - breaks.all, fields: record };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw unreadable(filePath, error);
    broken ??= error;
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (broken) yield { kind: 'break', line: breakLine(broken, lastEnd, extraLines), reason: breakReason(broken) };
}

function errorLine(error: CsvError): number {
  return typeof error.lines === 'number' ? error.lines : Number.MAX_SAFE_INTEGER;
}

function lineBreaks(fields: string[]): { all: number; crlf: number } {
  let all = 0;
  let crlf = 0;
  for (const field of fields) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    all += field.match(/\r\n|\r|\n/g)?.length ?? 0;
    crlf += field.match(/\r\n/g)?.length ?? 0;
  }
  return { all, crlf };
}

function breakLine(error: CsvError, lastEnd: number, extraLines: number): number {
  // An unclosed quote is only noticed at the end of the file; it opened on the record after the last good one.
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return lastEnd + 1;
  return typeof error.lines === 'number' ? error.lines - extraLines : lastEnd + 1;
}

function breakReason(error: CsvError): string {
  const rest = 'the rest of the file was not read; fix the quoting and import the file again (rows already loaded are kept and count as unchanged)';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field starting on this line (or a later one) is never closed; ${rest}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `a closing quote is followed by other characters (write "" for a quote inside a quoted field); ${rest}`;
    case 'CSV_MAX_RECORD_SIZE':
      return `the record is too long (is this a CSV file?); ${rest}`;
    default:
      return `the CSV cannot be parsed here (${error.message}); ${rest}`;
  }
}

export function unreadable(filePath: string, error: unknown): SmtError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String((error as Error).message ?? error);
  return new SmtError('FILE_UNREADABLE', `Cannot read ${filePath}: ${why}.`, { file: filePath });
}
