import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { partialPathFor } from '../delivery/atomic-write';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files';
import type { FileLoadSummary } from './ingest-result';
import { FILE_CODES, RECORD_CODES, type RecordCode } from './result-codes';

export const ACTIVITY_HEADER = ['RECORD_TYPE', 'FILE_NAME', 'ESIID', 'OPERATING_DAY', 'CHANNEL', 'CODE', 'COUNT', 'DESCRIPTION'];

/**
 * The LSE activity report of one file, in the spirit of ERCOT's: a FILE line with the file's
 * status, a SUMMARY line per result code, and a REJECT line per record not loaded; then the VEE
 * section (docs/data-quality.md): a VEE_SUMMARY line per rule that found something, a VEE line per finding.
 */
export function formatActivityReport(s: FileLoadSummary): string {
  const name = path.basename(s.file);
  const rows: string[][] = [ACTIVITY_HEADER];
  const fileText = s.fileCode ? `${FILE_CODES[s.fileCode]}: ${s.fileReason}` : `${s.status} at ${s.finishedAt}`;
  rows.push(['FILE', name, '', '', '', s.fileCode ?? '', String(s.total), fileText]);
  for (const [code, count] of Object.entries(s.byCode)) {
    rows.push(['SUMMARY', name, '', '', '', code, String(count), RECORD_CODES[code as RecordCode]]);
  }
  for (const r of s.rejected) {
    rows.push(['REJECT', name, r.esiid ? `'${r.esiid}` : '', r.operatingDay ?? '', r.channel === null ? '' : String(r.channel), r.code, '1', r.reason]);
  }
  for (const c of s.quality?.counts ?? []) rows.push(['VEE_SUMMARY', name, '', '', '', c.code, String(c.count), c.rule]);
  for (const f of s.quality?.findings ?? []) rows.push(['VEE', name, `'${f.esiid}`, f.operatingDay, String(f.channel), f.code, '1', f.reason]);
  return stringify(rows, { record_delimiter: 'windows' });
}

export function activityReportName(s: FileLoadSummary): string {
  const stamp = s.finishedAt.replace(/[-:TZ.]/g, '').slice(0, 14);
  return `${path.basename(s.file).replace(/[^A-Za-z0-9._-]/g, '_')}.${stamp}.activity.csv`;
}

/** The report's path: the first of <name>.activity.csv, <name>.2.activity.csv, ... not taken yet (writeActivityReport still never overwrites). */
export function activityReportPath(ftpsRoot: string, tdspDuns: string, s: FileLoadSummary): string {
  const first = path.join(ftpsRoot, tdspDuns, 'reports', activityReportName(s));
  let candidate = first;
  for (let n = 2; n < 1000 && fs.existsSync(candidate); n++) candidate = numbered(first, n);
  return candidate;
}

const numbered = (target: string, n: number): string => target.replace(/\.activity\.csv$/, `.${n}.activity.csv`);

/**
 * Writes the report where activityReportPath said, atomically, and never over another report: when
 * that name is taken (the same file loaded twice within a second, by this process or another), the
 * report goes to <name>.2.activity.csv, .3, ... Returns the path written.
 */
export async function writeActivityReport(target: string, s: FileLoadSummary): Promise<string> {
  await makePrivateDir(path.dirname(target));
  const partial = partialPathFor(target);
  await fs.promises.writeFile(partial, formatActivityReport(s), { flag: 'wx', mode: PRIVATE_FILE_MODE });
  try {
    const base = target.replace(/\.(\d{1,3})\.activity\.csv$/, '.activity.csv');
    for (let n = Number(/\.(\d{1,3})\.activity\.csv$/.exec(target)?.[1] ?? 1); ; n++) {
      const candidate = n === 1 ? base : numbered(base, n);
      try {
        await fs.promises.link(partial, candidate); // fails if the name exists: no report is replaced
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error;
      }
    }
  } finally {
    await fs.promises.rm(partial, { force: true });
  }
}
