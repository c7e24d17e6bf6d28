import type { DataSource } from 'typeorm';
import { IngestFileQuality } from '../db/entities/ingest-file-quality.entity';
import { VeeFindingRow } from '../db/entities/vee-finding.entity';
import type { RejectedRecordFacts } from './rules/time-change.rule';
import type { RegistryFacts, VeeReads } from './vee-reads';
import type { VeeDay, VeeFinding } from './vee-day';

/** A stored record read back for the rules, before the REP-of-record status is known. */
export type StoredRecord = Omit<VeeDay, 'hasRepOfRecord'>;

export interface FileFacts {
  status: string;
  senderDuns: string | null;
  firstDay: string | null;
  lastDay: string | null;
}

export interface FindingFilter {
  tdspDuns?: string[];
  operatingDay?: string;
  code?: string;
  fileId?: number;
  limit: number;
}

export type StoredFinding = VeeFinding & { fileId: number; tdspDuns: string; foundAt: string };

/** Stays under SQL Server's 2,100 parameters and SQLite's default limits. */
const CHUNK = 500;
const RECORD_COLUMNS = ['operating_day AS "operatingDay"', 'channel', 'esiid', 'version', 'interval_count AS "intervalCount"',
  'interval_values AS "values"', 'start_reading AS "startReading"', 'stop_reading AS "stopReading"'];

/** Reads what VEE checks and keeps its findings; plain SQL every supported database runs. */
export class VeeStore implements VeeReads {
  constructor(private readonly db: DataSource) {}

  async fileFacts(fileId: number): Promise<FileFacts | null> {
    const row = await this.db.createQueryBuilder().select(['status', 'sender_duns AS "senderDuns"', 'first_day AS "firstDay"', 'last_day AS "lastDay"'])
      .from('ingest_file', 'f').where('id = :fileId', { fileId }).getRawOne();
    return row ?? null;
  }

  /** The records a file loaded (the day range keeps the read on the interval store's day-first key). */
  async fileRecords(fileId: number, firstDay: string, lastDay: string): Promise<StoredRecord[]> {
    const rows = await this.db.createQueryBuilder().select(RECORD_COLUMNS).from('interval_day', 'i')
      .where('operating_day BETWEEN :firstDay AND :lastDay AND file_id = :fileId', { firstDay, lastDay, fileId }).getRawMany();
    return rows.map(toRecord);
  }

  /** The newest stored record of each of `esiids` (at most a chunk) on one day and channel, by the interval store's key. */
  async newestOf(day: string, channel: number, esiids: string[]): Promise<StoredRecord[]> {
    const rows = await this.db.createQueryBuilder().select(RECORD_COLUMNS).from('interval_day', 'i')
      .where('operating_day = :day AND channel = :channel AND esiid IN (:...esiids)', { day, channel, esiids }).getRawMany();
    const newest = new Map<string, StoredRecord>();
    for (const r of rows.map(toRecord)) if ((newest.get(r.esiid)?.version ?? -1) < r.version) newest.set(r.esiid, r);
    return [...newest.values()];
  }

  /** The newest consumption record of each ESI ID after `afterEsiid` on one day, up to `limit` ESI IDs, in ESI ID order. */
  async newestConsumptionPage(day: string, afterEsiid: string, limit: number): Promise<StoredRecord[]> {
    const page: StoredRecord[] = [];
    // Versions come newest first within an ESI ID: the first row of each is the one kept. A page
    // that ends inside an ESI ID's older versions loses nothing: the next page starts after it.
    const rows = await this.db.createQueryBuilder().select(RECORD_COLUMNS).from('interval_day', 'i')
      .where('operating_day = :day AND channel = 4 AND esiid > :afterEsiid', { day, afterEsiid })
      .orderBy('esiid').addOrderBy('version', 'DESC').limit(limit).getRawMany();
    for (const r of rows.map(toRecord)) if (page.length === 0 || page[page.length - 1]!.esiid !== r.esiid) page.push(r);
    return page;
  }

  /** Each ESI ID's TDSP and its REP-of-record stretches. */
  async registryFacts(esiids: string[]): Promise<RegistryFacts> {
    const tdsp = new Map<string, string>();
    const stretches: RegistryFacts['stretches'] = new Map();
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const part = esiids.slice(i, i + CHUNK);
      for (const r of await this.db.createQueryBuilder().select(['esiid', 'tdsp_duns AS "tdspDuns"']).from('esiid', 'e').where('esiid IN (:...part)', { part }).getRawMany()) {
        tdsp.set(r.esiid, r.tdspDuns);
      }
      const rows = await this.db.createQueryBuilder().select(['esiid', 'rep_duns AS "repDuns"', 'effective_from AS "from"', 'effective_to AS "to"']).from('rep_of_record', 'r')
        .where('esiid IN (:...part)', { part }).getRawMany();
      for (const r of rows) {
        const list = stretches.get(r.esiid) ?? [];
        list.push({ repDuns: r.repDuns, from: r.from, to: r.to });
        stretches.set(r.esiid, list);
      }
    }
    return { tdsp, stretches };
  }

  /**
   * For each record, the version it replaced: the newest stored version below its own. Read per day
   * and channel with the ESI IDs listed, so the interval store's key is used all the way.
   */
  async replacedVersions(records: StoredRecord[]): Promise<Map<StoredRecord, StoredRecord>> {
    const groups = new Map<string, StoredRecord[]>();
    for (const r of records) {
      const key = `${r.operatingDay}|${r.channel}`;
      const list = groups.get(key) ?? [];
      list.push(r);
      groups.set(key, list);
    }
    const replaced = new Map<StoredRecord, StoredRecord>();
    for (const list of groups.values()) {
      const { operatingDay: day, channel } = list[0]!;
      for (let i = 0; i < list.length; i += CHUNK) {
        const part = list.slice(i, i + CHUNK);
        const byEsiid = new Map(part.map((r) => [r.esiid, r]));
        const maxVersion = Math.max(...part.map((r) => r.version));
        const rows = await this.db.createQueryBuilder().select(RECORD_COLUMNS).from('interval_day', 'i')
          .where('operating_day = :day AND channel = :channel AND esiid IN (:...esiids) AND version < :maxVersion', { day, channel, esiids: [...byEsiid.keys()], maxVersion })
          .getRawMany();
        for (const raw of rows) {
          const older = toRecord(raw);
          const newer = byEsiid.get(older.esiid)!;
          const seen = replaced.get(newer);
          if (older.version < newer.version && (!seen || seen.version < older.version)) replaced.set(newer, older);
        }
      }
    }
    return replaced;
  }

  async saveFileQuality(row: IngestFileQuality): Promise<void> {
    await this.db.getRepository(IngestFileQuality).save(row);
  }

  async rejections(fileId: number, code: string): Promise<RejectedRecordFacts[]> {
    const rows = await this.db.createQueryBuilder().select(['esiid', 'channel', 'operating_day AS "operatingDay"', 'code', 'reason']).from('ingest_rejection', 'r')
      .where('file_id = :fileId AND code = :code', { fileId, code }).getRawMany();
    return rows.map((r) => ({ ...r, channel: r.channel === null ? null : Number(r.channel) }));
  }

  async save(fileId: number, findings: (VeeFinding & { tdspDuns: string })[], foundAt: string): Promise<void> {
    const rows = findings.map((f) => ({
      fileId, tdspDuns: f.tdspDuns, esiid: f.esiid, channel: f.channel, operatingDay: f.operatingDay,
      version: f.version === null ? null : String(f.version), code: f.code, rule: f.rule, reason: f.reason.slice(0, 500), foundAt,
    }));
    await this.db.transaction(async (m) => {
      for (let i = 0; i < rows.length; i += 40) await m.insert(VeeFindingRow, rows.slice(i, i + 40));
    });
  }

  async list(filter: FindingFilter): Promise<StoredFinding[]> {
    const q = this.db.getRepository(VeeFindingRow).createQueryBuilder('f').orderBy('f.operatingDay').addOrderBy('f.esiid').addOrderBy('f.code').addOrderBy('f.id').limit(filter.limit);
    if (filter.tdspDuns) q.andWhere('f.tdspDuns IN (:...tdsp)', { tdsp: filter.tdspDuns });
    if (filter.operatingDay) q.andWhere('f.operatingDay = :day', { day: filter.operatingDay });
    if (filter.code) q.andWhere('f.code = :code', { code: filter.code });
    if (filter.fileId !== undefined) q.andWhere('f.fileId = :fileId', { fileId: filter.fileId });
    return (await q.getMany()).map((r) => ({
      code: r.code, rule: r.rule as VeeFinding['rule'], esiid: r.esiid, channel: r.channel, operatingDay: r.operatingDay,
      version: r.version === null ? null : Number(r.version), reason: r.reason, fileId: r.fileId, tdspDuns: r.tdspDuns, foundAt: r.foundAt,
    }));
  }
}

function toRecord(r: Record<string, unknown>): StoredRecord {
  const values = r.values as Uint8Array;
  return {
    operatingDay: r.operatingDay as string, channel: Number(r.channel), esiid: r.esiid as string, version: Number(r.version),
    intervalCount: Number(r.intervalCount), values: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    startReading: (r.startReading as string | null) ?? null, stopReading: (r.stopReading as string | null) ?? null,
  };
}
