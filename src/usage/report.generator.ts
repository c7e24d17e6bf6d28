import { addDays } from '../core/cpt';
import { authorizedDays, inRanges, type AccessScope, type DayRange } from './report-access';
import { csvChunk, csvHeader } from './report-csv';
import type { ReadingType, ReportRequestSpec, VersionOption } from './report-request.rules';
import { DAILY_HEADER, dailyRow } from './daily-report.builder';
import { INTERVAL_HEADER, intervalRows } from './interval-report.builder';
import { billingPeriods, MONTHLY_HEADER, MonthlyAccumulator } from './monthly-report.builder';
import type { ReportType, UsageDay } from './usage-day';
import type { UsageSource } from './usage.source';

/** A checked request with the ESI IDs to report (access is applied again day by day here). */
export interface ReportJob extends Pick<ReportRequestSpec, 'reportType' | 'startDate' | 'endDate' | 'version' | 'readingType' | 'esiids'> {
  scope: AccessScope;
  /** Daily postings: before endDate, only versions loaded by ingest files after this id (revisions). */
  revisionsAfterFileId?: number | null;
}

export interface CsvChunk {
  csv: string;
  records: number;
}

/** Rows per csv-stringify call: short-lived batches keep the garbage young and cheap to collect. */
const STRINGIFY_ROWS = 1_000;
/** CSV per chunk handed on: about 1 MB amortizes the cost of each hand-over and write. */
const CHUNK_BYTES = 1 << 20;

/** Collects formatted rows and hands out CSV in chunks of about CHUNK_BYTES. */
class CsvBatcher {
  private rows: string[][] = [];
  private parts: string[] = [];
  private bytes = 0;
  private records = 0;

  add(rows: string[][]): void {
    for (const row of rows) this.rows.push(row);
    this.records += rows.length;
    if (this.rows.length >= STRINGIFY_ROWS) this.stringify();
  }

  /** A chunk once enough CSV is waiting; everything left when `final`. */
  take(final = false): CsvChunk | null {
    if (final) this.stringify();
    if (this.bytes < CHUNK_BYTES && !(final && this.records > 0)) return null;
    const chunk = { csv: this.parts.join(''), records: this.records };
    this.parts = [];
    this.bytes = 0;
    this.records = 0;
    return chunk;
  }

  private stringify(): void {
    if (this.rows.length === 0) return;
    const csv = csvChunk(this.rows);
    this.parts.push(csv);
    this.bytes += csv.length;
    this.rows = [];
  }
}

export const REPORT_NAMES: Record<ReportType, 'IntervalMeterUsage' | 'DailyMeterUsage' | 'MonthlyUsage'> = {
  INTERVAL: 'IntervalMeterUsage',
  DAILY: 'DailyMeterUsage',
  MONTHLY: 'MonthlyUsage',
};

export function reportHeader(type: ReportType): string {
  return csvHeader(type === 'INTERVAL' ? INTERVAL_HEADER : type === 'DAILY' ? DAILY_HEADER : MONTHLY_HEADER);
}

function channels(readingType: ReadingType): (1 | 4)[] {
  return readingType === 'C' ? [4] : readingType === 'G' ? [1] : [4, 1];
}

/**
 * A report's rows (formatted cells, without the header), grouped as they are produced: the rows
 * of one ESI ID's day for interval and daily reports, one ESI ID's periods for monthly ones.
 * Access is applied to every day, so a REP that lost an ESI ID mid-range gets exactly its own days.
 */
export async function* reportRows(source: UsageSource, job: ReportJob): AsyncGenerator<string[][]> {
  const facts = await source.facts(job.esiids);
  const access = new Map<string, DayRange[]>();
  for (const esiid of job.esiids) {
    const ranges = authorizedDays(job.scope, facts.get(esiid), job.startDate, job.endDate);
    if (ranges.length > 0) access.set(esiid, ranges);
  }
  const wanted = new Set(access.keys());
  const monthly = job.reportType === 'MONTHLY' ? monthlyAccumulators(job, facts, wanted) : null;
  for (let day = job.startDate; day <= job.endDate; day = addDays(day, 1)) {
    for (const channel of channels(job.readingType)) {
      for await (const usage of pick(source.dayRows(day, channel, wanted), job.version)) {
        if (!inRanges(access.get(usage.esiid)!, day)) continue;
        if (job.revisionsAfterFileId != null && day < job.endDate && (usage.fileId ?? 0) <= job.revisionsAfterFileId) continue;
        if (monthly) monthly.get(usage.esiid)!.add(usage);
        else yield job.reportType === 'INTERVAL' ? intervalRows(usage) : [dailyRow(usage)];
      }
    }
  }
  if (monthly) {
    for (const esiid of [...monthly.keys()].sort()) yield monthly.get(esiid)!.rows();
  }
}

/** The same rows as CSV text in chunks of about a megabyte. */
export async function* reportChunks(source: UsageSource, job: ReportJob): AsyncGenerator<CsvChunk> {
  const batcher = new CsvBatcher();
  for await (const rows of reportRows(source, job)) {
    batcher.add(rows);
    const chunk = batcher.take();
    if (chunk) yield chunk;
  }
  const last = batcher.take(true);
  if (last) yield last;
}

/** Version L keeps the newest version of each ESI ID's day; A keeps every revision (rows come sorted by version). */
async function* pick(stored: AsyncIterable<UsageDay>, version: VersionOption): AsyncIterable<UsageDay> {
  let previous: UsageDay | null = null;
  for await (const row of stored) {
    if (version === 'A') yield row;
    else if (previous && previous.esiid !== row.esiid) yield previous;
    previous = row;
  }
  if (version === 'L' && previous) yield previous;
}

function monthlyAccumulators(job: ReportJob, facts: Awaited<ReturnType<UsageSource['facts']>>, esiids: Set<string>): Map<string, MonthlyAccumulator> {
  const accumulators = new Map<string, MonthlyAccumulator>();
  for (const esiid of esiids) {
    const periods = billingPeriods(job.startDate, job.endDate, facts.get(esiid)?.readCycle ?? null);
    accumulators.set(esiid, new MonthlyAccumulator(esiid, periods));
  }
  return accumulators;
}
