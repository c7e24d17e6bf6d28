import type { FileCode, RecordCode } from './result-codes';

export interface RejectedRecord {
  line: number;
  esiid: string | null;
  operatingDay: string | null;
  channel: number | null;
  code: RecordCode;
  reason: string;
}

/** The outcome of one file: what the activity report, the database and `smt ingest` show. */
export interface FileLoadSummary {
  file: string;
  senderDuns: string | null;
  status: 'loaded' | 'rejected';
  fileCode: FileCode | null;
  fileReason: string | null;
  total: number;
  /** First and last operating day of the records loaded (null when none loaded). */
  firstDay: string | null;
  lastDay: string | null;
  byCode: Partial<Record<RecordCode, number>>;
  rejected: RejectedRecord[];
  startedAt: string;
  finishedAt: string;
  reportPath: string | null;
  /** Data-quality findings on the loaded records (flags only), added once the file committed. */
  quality?: QualitySection;
}

/** The activity report's VEE section: counts per rule, then each finding (src/vee/). */
export interface QualitySection {
  counts: { code: string; rule: string; count: number }[];
  findings: { esiid: string; operatingDay: string; channel: number; code: string; reason: string }[];
}

/** The `smt ingest --json` line for a file: exactly these keys. */
export function toJsonLine(s: FileLoadSummary): string {
  return JSON.stringify({
    file: s.file,
    status: s.status,
    fileCode: s.fileCode,
    records: { total: s.total, byCode: s.byCode },
    rejected: s.rejected.map((r) => ({ esiid: r.esiid, operatingDay: r.operatingDay, channel: r.channel, code: r.code, reason: r.reason })),
  });
}
