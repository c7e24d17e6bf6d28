import { In, type DataSource, type EntityManager } from 'typeorm';
import { chunks, rowsPerStatement } from '../db/bulk-sql';
import { IngestFile } from '../db/entities/ingest-file.entity';
import { IngestRejection } from '../db/entities/ingest-rejection.entity';
import { Esiid } from '../db/entities/esiid.entity';
import { RepOfRecord } from '../db/entities/rep-of-record.entity';
import type { FileLoadSummary } from './ingest-result';
import type { IngestStore, IngestTransaction, IntervalKey, RorStretch } from './ingest.store';
import type { LseRecord } from './lse-record';

const INTERVAL_COLUMNS = 11;

/**
 * The ingest path on SQL Server through TypeORM: batched, parameter-bounded statements inside one
 * transaction per file. PostgreSQL has its own COPY path (postgres-ingest.store.ts).
 */
export class TypeormIngestStore implements IngestStore {
  constructor(private readonly db: DataSource) {}

  async startFile(fileName: string, startedAt: string): Promise<number> {
    const row = await this.db.getRepository(IngestFile).save({ fileName, status: 'loading', startedAt, countsByCode: '{}', totalRecords: 0 });
    return row.id;
  }

  async markInterrupted(): Promise<number> {
    const result = await this.db.getRepository(IngestFile).update({ status: 'loading' }, { status: 'interrupted' });
    return result.affected ?? 0;
  }

  async tdspDuns(): Promise<Set<string>> {
    const rows: { duns: string }[] = await this.db.query(
      "SELECT d.duns AS duns FROM participant_duns d JOIN market_participant p ON p.id = d.participant_id WHERE p.kind = 'TDSP'",
    );
    return new Set(rows.map((r) => r.duns));
  }

  async inTransaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(this.transaction(manager)));
  }

  async failFile(fileId: number, summary: FileLoadSummary): Promise<void> {
    await this.writeSummary(this.db.manager, fileId, summary);
  }

  async close(): Promise<void> {}

  /** Statement-sized parts: SQL Server allows 2,100 parameters per statement, the others far more. */
  private chunk<T>(items: T[], columns: number): T[][] {
    return chunks(items, rowsPerStatement(this.db.manager, columns));
  }

  private async writeSummary(m: EntityManager, fileId: number, s: FileLoadSummary): Promise<void> {
    await m.getRepository(IngestFile).update({ id: fileId }, {
      senderDuns: s.senderDuns, status: s.status, fileCode: s.fileCode, fileReason: s.fileReason,
      totalRecords: s.total, countsByCode: JSON.stringify(s.byCode), firstDay: s.firstDay, lastDay: s.lastDay, reportPath: s.reportPath, finishedAt: s.finishedAt,
    });
    const rows = s.rejected.map((r) => ({ fileId, line: r.line, esiid: r.esiid, operatingDay: r.operatingDay, channel: r.channel, code: r.code, reason: r.reason.slice(0, 500) }));
    for (const part of this.chunk(rows, 7)) await m.createQueryBuilder().insert().into(IngestRejection).values(part).updateEntity(false).execute();
  }

  private transaction(m: EntityManager): IngestTransaction {
    return {
      latestVersions: async (keys: IntervalKey[]) => {
        const found = new Map<string, number>();
        const groups = new Map<string, string[]>();
        for (const k of keys) {
          const g = `${k.operatingDay}|${k.channel}`;
          const group = groups.get(g);
          if (group) group.push(k.esiid);
          else groups.set(g, [k.esiid]);
        }
        for (const [g, esiids] of groups) {
          const [day, channel] = g.split('|');
          for (const part of this.chunk([...new Set(esiids)], 1)) {
            const rows: { esiid: string; v: string | number }[] = await m.createQueryBuilder()
              .select('esiid', 'esiid').addSelect('MAX(version)', 'v').from('interval_day', 'i')
              .where('operating_day = :day AND channel = :channel AND esiid IN (:...part)', { day, channel: Number(channel), part })
              .groupBy('esiid').getRawMany();
            for (const r of rows) found.set(`${g}|${r.esiid}`, Number(r.v));
          }
        }
        return keys.map((k) => found.get(`${k.operatingDay}|${k.channel}|${k.esiid}`) ?? null);
      },
      esiidTdsps: async (esiids) => {
        const found = new Map<string, string>();
        for (const part of this.chunk(esiids, 1)) {
          const rows = await m.getRepository(Esiid).createQueryBuilder('e').select(['e.esiid', 'e.tdspDuns']).where('e.esiid IN (:...part)', { part }).getMany();
          for (const r of rows) found.set(r.esiid, r.tdspDuns);
        }
        return found;
      },
      registerEsiids: async (rows) => {
        for (const part of this.chunk(rows, 2)) await m.createQueryBuilder().insert().into(Esiid).values(part).updateEntity(false).execute();
      },
      repsOfRecord: async (esiids) => {
        const found = new Map<string, RorStretch[]>(esiids.map((e) => [e, []]));
        for (const part of this.chunk(esiids, 1)) {
          const rows = await m.getRepository(RepOfRecord).createQueryBuilder('r').where('r.esiid IN (:...part)', { part }).orderBy('r.effectiveFrom').getMany();
          for (const r of rows) found.get(r.esiid)!.push({ id: r.id, repDuns: r.repDuns, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, source: r.source });
        }
        return found;
      },
      addLseStretches: async (rows) => {
        for (const { esiid, stretch: s } of rows) {
          const saved = await m.getRepository(RepOfRecord).save({ esiid, repDuns: s.repDuns, effectiveFrom: s.effectiveFrom, effectiveTo: s.effectiveTo, source: s.source });
          s.id = saved.id;
        }
      },
      moveStretches: async (ids, bounds) => {
        for (const part of this.chunk(ids, 1)) await m.getRepository(RepOfRecord).update({ id: In(part) }, bounds);
      },
      insertIntervals: async (records: LseRecord[], fileId) => {
        const rows = records.map((r) => ({
          operating_day: r.operatingDay, channel: r.channel, esiid: r.esiid, version: r.version, interval_count: r.intervalCount,
          interval_values: Buffer.from(r.values.buffer, r.values.byteOffset, r.values.byteLength),
          origin: r.origin, start_reading: r.startReading, stop_reading: r.stopReading, transaction_id: r.transactionId,
          file_id: fileId,
        }));
        for (const part of this.chunk(rows, INTERVAL_COLUMNS)) {
          await m.createQueryBuilder().insert().into('interval_day', Object.keys(rows[0])).values(part).updateEntity(false).execute();
        }
      },
      finishFile: (fileId, summary) => this.writeSummary(m, fileId, summary),
    };
  }
}
