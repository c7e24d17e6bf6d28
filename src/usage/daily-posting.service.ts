import type { DataSource, EntityManager } from 'typeorm';
import { errorMessage, isSmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { lockRow, placeholders } from '../db/bulk-sql';
import { DailyPosting } from '../db/entities/daily-posting.entity';
import { historyStart } from './report-request.rules';
import type { ReportRequestService } from './report-request.service';

export interface PostingResult {
  duns: string;
  status: 'queued' | 'already posted' | 'no ESI IDs' | 'failed';
  esiids: number;
  correlationIds: string[];
  /** Why a posting failed (it is tried again at the scheduler's next pass). */
  error?: string;
}

/**
 * The morning files: for every REP DUNS, the previous operating day's interval and daily-read
 * files for every ESI ID it serves, in its daily/ folder. Records revised since the DUNS's last
 * posting ride along with the next one, back to the oldest day reports may cover. A day is posted
 * once unless asked again. Each DUNS posts on its own: one that fails does not hold up the others.
 */
export class DailyPostingService {
  constructor(
    private readonly db: DataSource,
    private readonly requests: ReportRequestService,
    private readonly logger: Logger,
    /** The operating day in Central Prevailing Time, as the request service's own clock says. */
    private readonly today: () => string,
  ) {}

  async post(day: string, options: { duns?: string; force?: boolean } = {}): Promise<PostingResult[]> {
    const results: PostingResult[] = [];
    for (const duns of options.duns ? [options.duns] : await this.repDuns()) {
      try {
        results.push(await this.postFor(day, duns, options.force === true));
      } catch (error) {
        // Nothing of this DUNS's posting was committed, so posted(day) stays false and the next pass tries it again.
        const reason = errorMessage(error);
        this.logger.error('daily posting: failed for a REP DUNS; it is tried again at the next pass', { day, duns, code: isSmtError(error) ? error.code : null, error: reason });
        results.push({ duns, status: 'failed', esiids: 0, correlationIds: [], error: reason });
      }
    }
    return results;
  }

  /** A day counts as loaded once every TDSP with ESI IDs has sent at least one file covering it. */
  async dayLoaded(day: string): Promise<boolean> {
    const p = placeholders(this.db.manager, 2, 0);
    const rows: { missing: number | string }[] = await this.db.query(
      `SELECT count(*) AS missing FROM (SELECT DISTINCT tdsp_duns FROM esiid) t
       WHERE NOT EXISTS (SELECT 1 FROM ingest_file f WHERE f.sender_duns = t.tdsp_duns AND f.status = 'loaded'
         AND f.first_day <= ${p[0]} AND f.last_day >= ${p[1]})`,
      [day, day],
    );
    return Number(rows[0].missing) === 0;
  }

  /** Every REP DUNS that served ESI IDs on the day has its posting (a DUNS without any has nothing to post). */
  async posted(day: string): Promise<boolean> {
    const duns = await this.repDuns();
    const done = new Set((await this.db.getRepository(DailyPosting).findBy({ operatingDay: day })).map((p) => p.repDuns));
    for (const d of duns) if (!done.has(d) && (await this.servedEsiids(this.db.manager, d, day, day)).length > 0) return false;
    return duns.length > 0;
  }

  /**
   * One transaction per DUNS: its first statement locks the DUNS's row, so another process posting the
   * same DUNS waits and then finds the posting; both requests and the posting row commit together or
   * not at all, so a failure between the two submissions leaves nothing queued to be duplicated.
   * Workers cannot claim the requests before the commit.
   */
  private async postFor(day: string, duns: string, force: boolean): Promise<PostingResult> {
    return this.db.transaction(async (m): Promise<PostingResult> => {
      await lockRow(m, 'participant_duns', 'duns', duns);
      const repo = m.getRepository(DailyPosting);
      const existing = await repo.findOneBy({ operatingDay: day, repDuns: duns });
      if (existing && !force) return { duns, status: 'already posted', esiids: 0, correlationIds: [] };
      const previous = await repo.findOne({ where: { repDuns: duns }, order: { fileWatermark: 'DESC' } });
      const watermark = await this.fileWatermark(m);
      const since = previous?.fileWatermark ?? watermark;
      const firstRevised = previous ? await this.firstDayLoadedAfter(m, since, day) : null;
      const from = this.clampToHistory(firstRevised ?? day, day, duns);
      const esiids = await this.servedEsiids(m, duns, from, day);
      if (esiids.length === 0) return { duns, status: 'no ESI IDs', esiids: 0, correlationIds: [] };
      const ids: number[] = [];
      const correlationIds: string[] = [];
      for (const reportType of ['INTERVAL', 'DAILY']) {
        const r = await this.requests.submit(
          { requesterDuns: duns, reportType, startDate: from, endDate: day, version: 'L', readingType: reportType === 'INTERVAL' ? 'A' : 'C', esiids },
          { kind: 'daily', revisionsAfterFileId: previous ? since : null, manager: m },
        );
        ids.push(r.requestId);
        correlationIds.push(r.correlationId);
      }
      await repo.save({ operatingDay: day, repDuns: duns, fileWatermark: watermark, intervalRequestId: ids[0], dailyRequestId: ids[1], postedAt: new Date().toISOString() });
      this.logger.info('daily posting: queued', { day, duns, esiids: esiids.length, revisionsFrom: from < day ? from : null });
      return { duns, status: 'queued', esiids: esiids.length, correlationIds };
    });
  }

  /**
   * Revisions are re-sent from `from`, but never from before the oldest day a report may cover
   * (48 months for interval and daily reports): older revised days stay stored and are not re-sent.
   * A day that is itself too old is left for the request rules to refuse with their reason.
   */
  private clampToHistory(from: string, day: string, duns: string): string {
    const oldest = [historyStart('INTERVAL', this.today()), historyStart('DAILY', this.today())].sort().at(-1)!;
    if (from >= oldest || day < oldest) return from;
    this.logger.warn('daily posting: revisions older than the history kept are not re-sent', { day, duns, revisedFrom: from, resentFrom: oldest });
    return oldest;
  }

  private async repDuns(): Promise<string[]> {
    const rows: { duns: string }[] = await this.db.query(
      "SELECT d.duns AS duns FROM participant_duns d JOIN market_participant p ON p.id = d.participant_id WHERE p.kind = 'REP' ORDER BY d.duns",
    );
    return rows.map((r) => r.duns);
  }

  private async fileWatermark(m: EntityManager): Promise<number> {
    const rows: { id: number | null }[] = await m.query("SELECT max(id) AS id FROM ingest_file WHERE status = 'loaded'");
    return Number(rows[0].id ?? 0);
  }

  /** The earliest earlier day that files loaded after the watermark touched, if any. */
  private async firstDayLoadedAfter(m: EntityManager, watermark: number, day: string): Promise<string | null> {
    const p = placeholders(m, 2, 0);
    const rows: { first: string | null }[] = await m.query(
      `SELECT min(first_day) AS first FROM ingest_file WHERE id > ${p[0]} AND status = 'loaded' AND first_day < ${p[1]}`,
      [watermark, day],
    );
    return rows[0].first ?? null;
  }

  private async servedEsiids(m: EntityManager, duns: string, from: string, to: string): Promise<string[]> {
    const p = placeholders(m, 3, 0);
    const rows: { esiid: string }[] = await m.query(
      `SELECT DISTINCT esiid FROM rep_of_record WHERE rep_duns = ${p[0]} AND effective_from <= ${p[1]}
       AND (effective_to IS NULL OR effective_to >= ${p[2]}) ORDER BY esiid`,
      [duns, to, from],
    );
    return rows.map((r) => r.esiid);
  }
}
