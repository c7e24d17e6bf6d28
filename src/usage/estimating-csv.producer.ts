import type { DataSource } from 'typeorm';
import { addDays, cptToday } from '../core/cpt';
import { chunks, placeholders } from '../db/bulk-sql';
import type { ReportCsvProducer } from './report-csv.producer';
import type { ReportScope } from './report-access';
import type { EstimateDay } from './report-estimates';
import type { CsvChunk, ReportJob } from './report.generator';

/**
 * Makes and stores the missing estimates of ESI IDs on one day (EstimationService.estimateDay), only
 * for those the requester's scope may see that day (a REP: the days it is REP of record); how many.
 */
export type DayEstimator = (day: string, esiids: readonly string[], scope: ReportScope) => Promise<number>;

/**
 * Hands a report that asked for platform estimates the estimates of its ESI IDs and days before it
 * is built, by whichever producer builds it (in this thread or in CSV threads): first the missing
 * ones are made and stored (`estimateDay`, day by day, for the requester's own days only), then all are read. Other reports pass
 * through untouched.
 */
export class EstimatingCsvProducer implements ReportCsvProducer {
  constructor(private readonly inner: ReportCsvProducer, private readonly db: () => Promise<DataSource>, private readonly estimateDay?: DayEstimator) {}

  async *chunks(job: ReportJob): AsyncIterable<CsvChunk> {
    if (!job.platformEstimates || job.reportType === 'MONTHLY') {
      yield* this.inner.chunks(job);
      return;
    }
    // A day is estimated once its TDSP data is overdue: not today's or yesterday's, which may still come.
    const lastDue = addDays(cptToday(), -2);
    if (this.estimateDay) for (let day = job.startDate; day <= job.endDate && day <= lastDue; day = addDays(day, 1)) await this.estimateDay(day, job.esiids, job.scope);
    yield* this.inner.chunks({ ...job, estimates: await loadEstimates(await this.db(), job) });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** ESI IDs per read: each is one seek on platform_estimate's (operating_day, esiid) key. */
const IN_LIST = 500;

/**
 * The stored estimates of a request's ESI IDs and days, read by the (operating_day, esiid) key, so
 * the read follows the request's rows (counted against the requester's limits when it was
 * accepted), never a whole day of other ESI IDs' estimates. Which of them the requester may see is
 * decided day by day with the TDSP data (report.generator.ts).
 */
async function loadEstimates(db: DataSource, job: { startDate: string; endDate: string; esiids: readonly string[] }): Promise<EstimateDay[]> {
  const out: EstimateDay[] = [];
  for (let day = job.startDate; day <= job.endDate; day = addDays(day, 1)) {
    for (const part of chunks(job.esiids, IN_LIST)) {
      const [p, ...ps] = placeholders(db.manager, 1 + part.length, 0);
      const rows: { esiid: string; method: string; source_day: string; cls: string | null; wh: string; created_at: string }[] = await db.query(
        `SELECT "esiid", "method", "source_day", "load_profile_class" AS "cls", "interval_wh" AS "wh", "created_at" FROM "platform_estimate" WHERE "operating_day" = ${p} AND "esiid" IN (${ps.join(', ')})`, [day, ...part]);
      for (const r of rows) out.push({ esiid: r.esiid, operatingDay: day, method: r.method, sourceDay: r.source_day, loadProfileClass: r.cls, intervalWh: r.wh, createdAt: r.created_at });
    }
  }
  return out;
}
