import { addDays } from '../core/cpt';
import { authorizedDays, inRanges, type DayRange, type ReportScope } from './report-access';
import { csvChunk, csvHeader } from './report-csv';
import type { ReadingType, ReportRequestSpec, VersionOption } from './report-request.rules';
import { DAILY_HEADER, dailyRow } from './daily-report.builder';
import { daySlots, INTERVAL_HEADER, intervalCsv, intervalRows } from './interval-report.builder';
import { billingPeriods, MONTHLY_HEADER, MonthlyAccumulator } from './monthly-report.builder';
import { ESTIMATE_HEADER, indexEstimates, intervalCsvWithEstimates, rowsWithEstimates, type EstimateDay } from './report-estimates';
import type { ReportType, UsageDay } from './usage-day';
import type { EsiidFacts, UsageSource } from './usage.source';

/** A checked request with the ESI IDs to report (access is applied again day by day here). */
export interface ReportJob extends Pick<ReportRequestSpec, 'reportType' | 'startDate' | 'endDate' | 'version' | 'readingType' | 'esiids'> {
  scope: ReportScope;
  /** Daily postings: before endDate, only versions loaded by ingest files after this id (revisions). */
  revisionsAfterFileId?: number | null;
  /** The requester asked for platform estimates of missing days: rows gain the estimate columns (report-estimates.ts). */
  platformEstimates?: boolean;
  /** The stored estimates of the request's ESI IDs and days (EstimatingCsvProducer loads them); shown only for days the requester may see. */
  estimates?: EstimateDay[];
}

export interface CsvChunk {
  /** UTF-8 CSV text of whole rows. */
  csv: Uint8Array;
  records: number;
}

/** Rows per csv-stringify call: short-lived batches keep the garbage young and cheap to collect. */
const STRINGIFY_ROWS = 1_000;
/** ESI IDs per section: a section of interval rows is about 2 MB of CSV. */
const SECTION_ESIIDS = 250;

/**
 * Which share of a report a producer builds. A report is cut into sections in report order (per
 * day and channel, runs of SECTION_ESIIDS ESI IDs; for monthly reports, runs of ESI IDs); section
 * s belongs to part s % count, so several threads can build one report and a reader that takes
 * their sections in turn gets the report in order.
 */
export interface ReportPart {
  index: number;
  count: number;
}

export const WHOLE_REPORT: ReportPart = { index: 0, count: 1 };

export const REPORT_NAMES: Record<ReportType, 'IntervalMeterUsage' | 'DailyMeterUsage' | 'MonthlyUsage'> = {
  INTERVAL: 'IntervalMeterUsage',
  DAILY: 'DailyMeterUsage',
  MONTHLY: 'MonthlyUsage',
};

export function reportHeader(type: ReportType, platformEstimates = false): string {
  const header = type === 'INTERVAL' ? INTERVAL_HEADER : type === 'DAILY' ? DAILY_HEADER : MONTHLY_HEADER;
  return csvHeader(platformEstimates && type !== 'MONTHLY' ? [...header, ...ESTIMATE_HEADER] : header);
}

function channels(readingType: ReadingType): (1 | 4)[] {
  return readingType === 'C' ? [4] : readingType === 'G' ? [1] : [4, 1];
}

/**
 * A report's rows (formatted cells, without the header), one group per section of `part`, empty
 * groups included. Access is applied to every day, so a REP that lost an ESI ID mid-range gets
 * exactly its own days.
 */
export async function* reportSections(source: UsageSource, job: ReportJob, part: ReportPart = WHOLE_REPORT): AsyncGenerator<string[][]> {
  for await (const section of daySections(source, job, part)) {
    if (section.rows === undefined && job.platformEstimates) yield rowsWithEstimates(job.reportType, section.days, section.estimates ?? []);
    else yield section.rows ?? section.days.flatMap((usage) => (job.reportType === 'INTERVAL' ? intervalRows(usage) : [dailyRow(usage)]));
  }
}

/** A section: the stored days it prints (interval and daily reports), or its finished rows (monthly). */
type Section = { days: UsageDay[]; rows?: undefined; estimates?: EstimateDay[] } | { rows: string[][] };

/**
 * Sections are runs of SECTION_ESIIDS of the requested ESI IDs in order, authorized or not. Each
 * section is read on its own, and the facts (registry, REP of record) of its ESI IDs are looked up
 * when it is first needed: the first rows go out at once rather than after the facts of 50,000
 * ESI IDs, and a part looks up its own sections' ESI IDs only.
 */
async function* daySections(source: UsageSource, job: ReportJob, part: ReportPart): AsyncGenerator<Section> {
  const sorted = [...new Set(job.esiids)].sort();
  const sections = Math.ceil(sorted.length / SECTION_ESIIDS);
  const owned = (first: number) => (section: number) => (first + section) % part.count === part.index;
  const esiidsOfSection = (section: number) => sorted.slice(section * SECTION_ESIIDS, (section + 1) * SECTION_ESIIDS);
  if (job.reportType === 'MONTHLY') {
    const mine = sorted.filter((_, i) => owned(0)(Math.floor(i / SECTION_ESIIDS)));
    const facts = await source.facts(mine);
    const access = new Map<string, DayRange[]>();
    for (const esiid of mine) {
      const ranges = authorizedDays(job.scope, facts.get(esiid), job.startDate, job.endDate);
      if (ranges.length > 0) access.set(esiid, ranges);
    }
    for await (const rows of monthlySections(source, job, facts, access, sorted, owned(0), sections)) yield { rows };
    return;
  }
  /** Authorized days per ESI ID, null when none; filled a section at a time. */
  const access = new Map<string, DayRange[] | null>();
  const authorize = async (esiids: string[]): Promise<void> => {
    const missing = esiids.filter((esiid) => !access.has(esiid));
    if (missing.length === 0) return;
    const facts = await source.facts(missing);
    for (const esiid of missing) {
      const ranges = authorizedDays(job.scope, facts.get(esiid), job.startDate, job.endDate);
      access.set(esiid, ranges.length > 0 ? ranges : null);
    }
  };
  const estimates = job.platformEstimates ? indexEstimates(job.estimates) : null;
  let first = 0;
  for (let day = job.startDate; day <= job.endDate; day = addDays(day, 1)) {
    for (const channel of channels(job.readingType)) {
      const owns = owned(first);
      for (let section = 0; section < sections; section++) {
        if (!owns(section)) continue;
        const esiids = esiidsOfSection(section);
        await authorize(esiids);
        const wanted = new Set(esiids.filter((esiid) => access.get(esiid)));
        const days: UsageDay[] = [];
        if (wanted.size > 0) {
          for await (const usage of pick(source.dayRows(day, channel, wanted), job.version)) {
            if (!inRanges(access.get(usage.esiid)!, day)) continue;
            if (job.revisionsAfterFileId != null && day < job.endDate && (usage.fileId ?? 0) <= job.revisionsAfterFileId) continue;
            days.push(usage);
          }
        }
        // A platform estimate stands in for a consumption day with no TDSP data, on a day the requester may see.
        const estimatesOfDay = channel === 4 ? estimates?.get(day) : undefined;
        if (!estimatesOfDay) {
          yield { days };
          continue;
        }
        const present = new Set(days.map((d) => d.esiid));
        const shown = esiids.filter((esiid) => wanted.has(esiid) && !present.has(esiid) && inRanges(access.get(esiid)!, day) && estimatesOfDay.has(esiid));
        yield { days, estimates: shown.map((esiid) => estimatesOfDay.get(esiid)!) };
      }
      first += sections;
    }
  }
}

async function* monthlySections(source: UsageSource, job: ReportJob, facts: Map<string, EsiidFacts>, access: Map<string, DayRange[]>,
  sorted: string[], owns: (section: number) => boolean, sections: number): AsyncGenerator<string[][]> {
  const mine = sorted.filter((esiid, i) => access.has(esiid) && owns(Math.floor(i / SECTION_ESIIDS)));
  const accumulators = new Map(mine.map((esiid) => [esiid, new MonthlyAccumulator(esiid, billingPeriods(job.startDate, job.endDate, facts.get(esiid)?.readCycle ?? null))]));
  const wanted = new Set(mine);
  for (let day = job.startDate; day <= job.endDate; day = addDays(day, 1)) {
    for await (const usage of pick(source.dayRows(day, channels(job.readingType)[0], wanted), job.version)) {
      if (inRanges(access.get(usage.esiid)!, day)) accumulators.get(usage.esiid)!.add(usage);
    }
  }
  for (let section = 0; section < sections; section++) {
    if (!owns(section)) continue;
    yield sorted.slice(section * SECTION_ESIIDS, (section + 1) * SECTION_ESIIDS).flatMap((esiid) => accumulators.get(esiid)?.rows() ?? []);
  }
}

/**
 * The same sections as CSV bytes, one chunk per section (empty ones too, so parts stay in step).
 * Each chunk owns its ArrayBuffer, so a thread can hand it over without a copy.
 */
export async function* reportChunks(source: UsageSource, job: ReportJob, part: ReportPart = WHOLE_REPORT): AsyncGenerator<CsvChunk> {
  for await (const section of daySections(source, job, part)) {
    if (section.rows === undefined && job.reportType === 'INTERVAL') {
      const slotsOf = daySlots();
      const estimates = section.estimates ?? [];
      const records = section.days.reduce((n, day) => n + slotsOf(day.operatingDay).length, 0) + estimates.reduce((n, e) => n + slotsOf(e.operatingDay).length, 0);
      yield { csv: job.platformEstimates ? intervalCsvWithEstimates(section.days, estimates) : intervalCsv(section.days), records };
      continue;
    }
    const rows = section.rows ?? (job.platformEstimates ? rowsWithEstimates(job.reportType, section.days, section.estimates ?? []) : section.days.map(dailyRow));
    let csv = '';
    for (let i = 0; i < rows.length; i += STRINGIFY_ROWS) csv += csvChunk(rows.slice(i, i + STRINGIFY_ROWS));
    yield { csv: ownBytes(csv), records: rows.length };
  }
}

function ownBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.byteLength(text));
  Buffer.from(bytes.buffer).write(text);
  return bytes;
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
