import type { DataSource } from 'typeorm';
import type { ReportCsvProducer } from './report-csv.producer';
import { loadEstimates } from './report-estimates';
import type { CsvChunk, ReportJob } from './report.generator';

/**
 * Hands a report that asked for platform estimates the stored estimates of its ESI IDs and days
 * before it is built, by whichever producer builds it (in this thread or in CSV threads); other
 * reports pass through untouched.
 */
export class EstimatingCsvProducer implements ReportCsvProducer {
  constructor(private readonly inner: ReportCsvProducer, private readonly db: () => Promise<DataSource>) {}

  async *chunks(job: ReportJob): AsyncIterable<CsvChunk> {
    if (!job.platformEstimates || job.reportType === 'MONTHLY') {
      yield* this.inner.chunks(job);
      return;
    }
    yield* this.inner.chunks({ ...job, estimates: await loadEstimates(await this.db(), job) });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
