import { stringify } from 'csv-stringify/sync';

/** SMT files end their lines with CRLF; csv-stringify's default is a bare LF. */
const OPTIONS = { record_delimiter: 'windows' } as const;

/** A batch of already formatted rows as CSV text; callers batch rows because per-row calls are slow. */
export function csvChunk(rows: string[][]): string {
  return stringify(rows, OPTIONS);
}

export function csvHeader(header: string[]): string {
  return csvChunk([header]);
}
