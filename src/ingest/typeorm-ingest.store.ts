import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { chunks, rowsPerStatement } from '../db/bulk-sql';
import { IngestFile } from '../db/entities/ingest-file.entity';
import { IngestRejection } from '../db/entities/ingest-rejection.entity';
import { JobLease } from '../db/entities/job-lease.entity';
import { Esiid } from '../db/entities/esiid.entity';
import { RepOfRecord } from '../db/entities/rep-of-record.entity';
import type { FileLoadSummary } from './ingest-result';
import type { IngestStore, IngestTransaction, IntervalKey, RorStretch } from './ingest.store';
import type { LseRecord } from './lse-record';

const INTERVAL_COLUMNS = 11;

/** Names of the loaders' heartbeat rows in job_lease; ingest_file.loader holds the whole name. */
const HEARTBEAT_PREFIX = 'ingest-loader:';

export interface TypeormIngestStoreOptions {
  /** This process as a loader, unique among the instances on the database (default host:pid:random). */
  loaderId?: string;
  /** How long a loader counts as alive after its last heartbeat; the heartbeat is renewed every third of it. */
  heartbeatMs?: number;
  now?: () => Date;
}

/**
 * The ingest path on SQL Server through TypeORM: batched, parameter-bounded statements inside one
 * transaction per file. PostgreSQL has its own COPY path (postgres-ingest.store.ts).
 *
 * Which loads are interrupted: each row being loaded names its loader (ingest_file.loader), and a
 * loader proves it lives by a heartbeat row in job_lease (name = the loader, expires_at renewed
 * while the store is open). An instance starting up marks only the loads whose loader's heartbeat
 * has lapsed (or that name none), never those another live instance is loading, as the embedded
 * and PostgreSQL stores do with their own means; plain SQL, so it holds on any engine.
 */
export class TypeormIngestStore implements IngestStore {
  private readonly loader: string;
  private readonly heartbeatMs: number;
  private readonly now: () => Date;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly db: DataSource, options: TypeormIngestStoreOptions = {}) {
    this.loader = `${HEARTBEAT_PREFIX}${options.loaderId ?? `${os.hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`}`.slice(0, 120);
    this.heartbeatMs = options.heartbeatMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  async startFile(fileName: string, startedAt: string): Promise<number> {
    await this.beat();
    this.heartbeat ??= setInterval(() => void this.beat().catch(() => undefined), Math.max(50, Math.floor(this.heartbeatMs / 3))).unref();
    // One transaction: no instance ever sees the row loading without its loader.
    return this.db.transaction(async (m) => {
      const row = await m.getRepository(IngestFile).save({ fileName, status: 'loading', startedAt, countsByCode: '{}', totalRecords: 0 });
      const [sql, parameters] = this.db.driver.escapeQueryWithParameters('UPDATE ingest_file SET loader = :loader WHERE id = :id', { loader: this.loader, id: row.id });
      await m.query(sql, parameters);
      return row.id;
    });
  }

  /** Only loads whose loader is gone: its heartbeat lapsed, or it named none (rows of older versions). */
  async markInterrupted(): Promise<number> {
    const result = await this.db.createQueryBuilder().update(IngestFile).set({ status: 'interrupted' })
      .where("status = 'loading'")
      .andWhere('NOT EXISTS (SELECT 1 FROM job_lease WHERE job_lease.name = ingest_file.loader AND job_lease.expires_at >= :now)', { now: this.now().toISOString() })
      .execute();
    return result.affected ?? 0;
  }

  /** Renews this loader's heartbeat (holder stays null: it is no lease anyone takes, nor a claim the metrics count). */
  private async beat(): Promise<void> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.heartbeatMs).toISOString();
    const leases = this.db.getRepository(JobLease);
    const renewed = await leases.update({ name: this.loader }, { expiresAt });
    if (!renewed.affected) await leases.insert({ name: this.loader, holder: null, expiresAt, acquiredAt: now.toISOString(), donePeriod: null });
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

  /** Stops the heartbeat and removes it: nothing of this store is loading any more. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.db.getRepository(JobLease).delete({ name: this.loader }).catch(() => undefined);
  }

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
