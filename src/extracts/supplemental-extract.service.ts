import path from 'node:path';
import type { DataSource } from 'typeorm';
import { addDays, cptToday, reportSlots } from '../core/cpt';
import { errorMessage, SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { ExtractSubscription } from '../db/entities/extract-subscription.entity';
import type { ReportFileWriter, DeliveredFile } from '../delivery/report-file.writer';
import { AvailabilityStore, covers, type RorStretchRow } from '../availability/availability.store';
import type { RegistryService } from '../registry/registry.service';
import { csvHeader } from '../usage/report-csv';
import { INTERVAL_HEADER, intervalCsv } from '../usage/interval-report.builder';
import type { UsageDay } from '../usage/usage-day';
import { VeeStore, type StoredRecord } from '../vee/vee.store';

/** ERCOT's extract carries the AMS usage loaded three days before the day it is produced. */
export const EXTRACT_LAG_DAYS = 3;

export interface ExtractOutcome {
  duns: string;
  participant: string;
  loadDay: string;
  records: number;
  files: DeliveredFile[];
}

export interface ExtractFailure {
  duns: string;
  error: string;
}

/** What one run did: the subscribers served, and those that failed (still due, tried again at the next run). */
export interface ExtractRun {
  delivered: ExtractOutcome[];
  failed: ExtractFailure[];
}

interface Recipient {
  subscription: ExtractSubscription;
  name: string;
  kind: string;
  writer: ReportFileWriter;
  records: number;
}

/**
 * The Supplemental AMS Interval Data Extract: each subscribed DUNS gets, in <ftps>/<DUNS>/extracts/,
 * the interval records loaded (committed) on the day three days before, for its ESI IDs (a REP:
 * those it was REP of record of on each record's day; a TDSP: its territory), zipped and encrypted
 * to its PGP key in the interval report's format. One run per extract day and DUNS.
 */
export class SupplementalExtractService {
  constructor(
    private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly ftpsRoot: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async subscribe(duns: string): Promise<string> {
    const participant = await this.registry.findParticipantByDuns(duns);
    if (!participant) throw new SmtError('DUNS_UNKNOWN', `DUNS ${duns} is not registered to any REP or TDSP (smt entity list shows the registered DUNS numbers)`);
    if (!participant.pgpPublicKey) {
      throw new SmtError('INPUT_INVALID', `${participant.kind} "${participant.name}" has no PGP key: extracts are encrypted to it (smt entity update "${participant.name}" --pgp-key FILE.asc)`);
    }
    const repo = this.db.getRepository(ExtractSubscription);
    if (await repo.findOneBy({ duns })) return `${duns} (${participant.name}) is already subscribed`;
    await repo.insert({ duns, participantId: participant.id, createdAt: this.now().toISOString(), lastExtractDay: null });
    return `${duns} (${participant.name}) subscribed: extracts go to ${path.join(this.ftpsRoot, duns, 'extracts')}`;
  }

  async unsubscribe(duns: string): Promise<boolean> {
    return ((await this.db.getRepository(ExtractSubscription).delete({ duns })).affected ?? 0) > 0;
  }

  list(): Promise<ExtractSubscription[]> {
    return this.db.getRepository(ExtractSubscription).find({ order: { duns: 'ASC' } });
  }

  /**
   * Produces `day`'s extract (the loads of day − 3) for every subscription that has not had it. A
   * subscriber that cannot be served (its key gone, its folder unwritable) is reported in `failed`
   * and stays due; the others are delivered and recorded. A failure to read the loads fails all.
   */
  async run(day: string): Promise<ExtractRun> {
    const loadDay = addDays(day, -EXTRACT_LAG_DAYS);
    const due = (await this.list()).filter((s) => s.lastExtractDay === null || s.lastExtractDay < day);
    // REP-of-record stretches are cached for one run only: the scheduler keeps this service for the
    // life of the process, and a later day must see the registry as it is then.
    this.stretches.clear();
    try {
      return await this.serve(day, loadDay, due);
    } finally {
      this.stretches.clear();
    }
  }

  private async serve(day: string, loadDay: string, due: ExtractSubscription[]): Promise<ExtractRun> {
    const failed: ExtractFailure[] = [];
    let recipients: Recipient[] = [];
    const fail = async (duns: string, error: unknown, writer?: ReportFileWriter): Promise<void> => {
      await writer?.abort().catch(() => undefined);
      recipients = recipients.filter((r) => r.subscription.duns !== duns);
      failed.push({ duns, error: errorMessage(error) });
      this.logger.error('extract: supplemental interval data extract failed for a subscriber; it stays due', { duns, loadDay, error: errorMessage(error) });
    };
    for (const subscription of due) {
      try {
        recipients.push(await this.recipient(subscription));
      } catch (error) {
        await fail(subscription.duns, error);
      }
    }
    try {
      const records = new VeeStore(this.db);
      for (const file of recipients.length ? await this.filesLoadedOn(loadDay) : []) {
        const stored = await records.fileRecords(file.id, file.firstDay, file.lastDay);
        for (const r of [...recipients]) {
          try {
            const mine = await this.theirs(r, stored, file);
            if (mine.length > 0) await r.writer.write(intervalCsv(mine.map(toUsageDay)), mine.reduce((n, m) => n + reportSlots(m.operatingDay).length, 0));
            r.records += mine.length;
          } catch (error) {
            await fail(r.subscription.duns, error, r.writer);
          }
        }
      }
    } catch (error) {
      for (const r of recipients) await r.writer.abort().catch(() => undefined);
      throw error;
    }
    const delivered: ExtractOutcome[] = [];
    for (const r of [...recipients]) {
      try {
        const files = await r.writer.close();
        await this.db.getRepository(ExtractSubscription).update({ duns: r.subscription.duns }, { lastExtractDay: day });
        delivered.push({ duns: r.subscription.duns, participant: r.name, loadDay, records: r.records, files });
        this.logger.info('extract: supplemental interval data extract delivered', { duns: r.subscription.duns, loadDay, records: r.records, files: files.map((f) => f.fileName) });
      } catch (error) {
        await fail(r.subscription.duns, error, r.writer);
      }
    }
    return { delivered, failed };
  }

  private async recipient(subscription: ExtractSubscription): Promise<Recipient> {
    const participant = await this.registry.findParticipantByDuns(subscription.duns);
    if (!participant?.pgpPublicKey) throw new SmtError('INPUT_INVALID', `subscription ${subscription.duns}: the participant or its PGP key is gone; unsubscribe it or register a key`);
    // The file writer and openpgp are loaded when an extract is written: the commands that only subscribe start faster.
    const [{ ReportFileWriter }, { readPublicKey }] = await Promise.all([import('../delivery/report-file.writer'), import('../delivery/pgp')]);
    const writer = new ReportFileWriter({
      folder: path.join(this.ftpsRoot, subscription.duns, 'extracts'), reportName: 'IntervalMeterUsage', duns: subscription.duns,
      recipientKey: await readPublicKey(participant.pgpPublicKey, `the PGP key of ${participant.name}`), header: csvHeader(INTERVAL_HEADER),
      maxCsvBytes: 1024 * 1024 * 1024, createdAt: this.now(),
    });
    return { subscription, name: participant.name, kind: participant.kind, writer, records: 0 };
  }

  private readonly stretches = new Map<string, RorStretchRow[]>();

  private async theirs(r: Recipient, stored: StoredRecord[], file: LoadedFile): Promise<StoredRecord[]> {
    const duns = r.subscription.duns;
    if (r.kind === 'TDSP') {
      const { tdsp } = await new VeeStore(this.db).registryFacts([...new Set(stored.map((s) => s.esiid))]);
      return stored.filter((s) => tdsp.get(s.esiid) === duns);
    }
    const key = `${duns}|${file.firstDay}|${file.lastDay}`;
    let list = this.stretches.get(key);
    if (!list) this.stretches.set(key, (list = await new AvailabilityStore(this.db).stretchesOfRep([duns], file.firstDay, file.lastDay)));
    const byEsiid = new Map<string, RorStretchRow[]>();
    for (const s of list) byEsiid.set(s.esiid, [...(byEsiid.get(s.esiid) ?? []), s]);
    return stored.filter((s) => (byEsiid.get(s.esiid) ?? []).some((x) => covers(x, s.operatingDay)));
  }

  /** Files committed on a CPT day (finished_at is UTC: the UTC days around it are read, the CPT day decided here). */
  private async filesLoadedOn(loadDay: string): Promise<LoadedFile[]> {
    const rows = await this.db.createQueryBuilder().select(['id', 'first_day AS "firstDay"', 'last_day AS "lastDay"', 'finished_at AS "finishedAt"']).from('ingest_file', 'f')
      .where("status = 'loaded' AND first_day IS NOT NULL AND finished_at >= :lo AND finished_at < :hi", { lo: addDays(loadDay, -1), hi: addDays(loadDay, 2) })
      .orderBy('id').getRawMany();
    return rows.filter((r) => cptToday(new Date(r.finishedAt)) === loadDay).map((r) => ({ id: Number(r.id), firstDay: r.firstDay, lastDay: r.lastDay }));
  }
}

interface LoadedFile {
  id: number;
  firstDay: string;
  lastDay: string;
}

function toUsageDay(r: StoredRecord): UsageDay {
  return { ...r, channel: r.channel as 1 | 4, meterNumber: null };
}
