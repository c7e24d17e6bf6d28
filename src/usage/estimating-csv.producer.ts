import type { DataSource } from 'typeorm';
import { addDays } from '../core/cpt';
import { placeholders } from '../db/bulk-sql';
import type { ReportCsvProducer } from './report-csv.producer';
import type { EstimateDay } from './report-estimates';
import type { CsvChunk, ReportJob } from './report.generator';

/** Makes and stores the missing estimates of ESI IDs on one day (EstimationService.estimateDay); how many. */
export type DayEstimator = (day: string, esiids: readonly string[]) => Promise<number>;

/**
 * Hands a report that asked for platform estimates the estimates of its ESI IDs and days before it
 * is built, by whichever producer builds it (in this thread or in CSV threads): first the missing
 * ones are made and stored (`estimateDay`, day by day), then all are read. Other reports pass
 * through untouched.
 */
export class EstimatingCsvProducer implements ReportCsvProducer {
  constructor(private readonly inner: ReportCsvProducer, private readonly db: () => Promise<DataSource>, private readonly estimateDay?: DayEstimator) {}

  async *chunks(job: ReportJob): AsyncIterable<CsvChunk> {
    if (!job.platformEstimates || job.reportType === 'MONTHLY') {
      yield* this.inner.chunks(job);
      return;
    }
    if (this.estimateDay) for (let day = job.startDate; day <= job.endDate; day = addDays(day, 1)) await this.estimateDay(day, job.esiids);
    yield* this.inner.chunks({ ...job, estimates: await loadEstimates(await this.db(), job) });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * The stored estimates of a request's ESI IDs and days, one indexed read per day. Estimates are
 * rare (the days no TDSP data came for) and bounded by the request's rows, which were counted
 * against the requester's limits when it was accepted; which of them the requester may see is
 * decided day by day with the TDSP data (report.generator.ts).
 */
async function loadEstimates(db: DataSource, job: { startDate: string; endDate: string; esiids: readonly string[] }): Promise<EstimateDay[]> {
  const wanted = new Set(job.esiids);
  const out: EstimateDay[] = [];
  const p = placeholders(db.manager, 1, 0)[0];
  for (let day = job.startDate; day <= job.endDate; day = addDays(day, 1)) {
    const rows: { esiid: string; method: string; source_day: string; cls: string | null; wh: string; created_at: string }[] = await db.query(
      `SELECT "esiid", "method", "source_day", "load_profile_class" AS "cls", "interval_wh" AS "wh", "created_at" FROM "platform_estimate" WHERE "operating_day" = ${p}`, [day]);
    for (const r of rows) {
      if (wanted.has(r.esiid)) out.push({ esiid: r.esiid, operatingDay: day, method: r.method, sourceDay: r.source_day, loadProfileClass: r.cls, intervalWh: r.wh, createdAt: r.created_at });
    }
  }
  return out;
}
