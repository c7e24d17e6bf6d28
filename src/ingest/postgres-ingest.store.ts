import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { BinaryCopyWriter, BufferShelf } from '../db/postgres/binary-copy';
import { ensurePartitions, listPartitionMonths, monthOf } from '../db/postgres/interval-partitions';
import { copyIn, inPgTransaction, postgresPool } from '../db/postgres/pg-pool';
import { WriteBehind } from '../db/postgres/write-behind';
import type { FileLoadSummary } from './ingest-result';
import type { IngestStore, IngestTransaction } from './ingest.store';
import { MARK_INTERRUPTED_SQL, PostgresLoaderLock } from './postgres-ingest.loader';
import { PostgresIngestReads } from './postgres-ingest.reads';
import type { LseRecord } from './lse-record';

/**
 * Held by the transaction of every file load: loads serialize across all instances sharing the
 * database, as they do on the embedded one, so the versions a load reads stay true until it commits.
 */
export const INGEST_LOCK_KEY = 0x534d5449; // "SMTI"
const COPY_INTERVALS = `COPY interval_day (operating_day, channel, esiid, version, interval_count, interval_values,
  origin, start_reading, stop_reading, transaction_id, file_id) FROM STDIN (FORMAT binary)`;
const INTERVAL_FIELDS = 11;
/** Rows per COPY statement. */
const COPY_ROWS = 2_000;
const PARTITION_LOCK_TIMEOUT_MS = 5_000;

/** The connections and state of one file's load. */
interface Load {
  /** The file's transaction: every write, in order. */
  tx: PoolClient;
  /** Reads of committed state, beside the transaction's writes (see inTransaction). */
  reader: PoolClient;
  writes: WriteBehind;
  /** Months whose partition this load may have made: it then holds the parent table's lock, so reads go through tx. */
  madeMonths: Set<string>;
}

/**
 * The ingest path on PostgreSQL: plain pg clients from the data source's pool, one transaction per
 * file, the intervals through binary COPY straight into the month partitions, and every other
 * write one array-bound statement per batch.
 */
export class PostgresIngestStore implements IngestStore {
  /** Months whose partition is known to exist (committed): others are checked, and made, in the load. */
  private readonly months = new Set<string>();

  private readonly pool: Pool;
  private readonly loader: PostgresLoaderLock;
  private readonly buffers = new BufferShelf();

  constructor(db: DataSource) {
    this.pool = postgresPool(db);
    this.loader = new PostgresLoaderLock(this.pool);
  }

  async startFile(fileName: string, startedAt: string): Promise<number> {
    const { rows } = await this.pool.query(
      "INSERT INTO ingest_file (file_name, status, started_at, counts_by_code, total_records, loader) VALUES ($1, 'loading', $2, '{}', 0, $3) RETURNING id",
      [fileName, startedAt, await this.loader.key()]);
    return Number(rows[0].id);
  }

  /** Only loads whose instance is gone: another live instance's load is left alone (see PostgresLoaderLock). */
  async markInterrupted(): Promise<number> {
    return (await this.pool.query(MARK_INTERRUPTED_SQL)).rowCount ?? 0;
  }

  async tdspDuns(): Promise<Set<string>> {
    const { rows } = await this.pool.query("SELECT d.duns FROM participant_duns d JOIN market_participant p ON p.id = d.participant_id WHERE p.kind = 'TDSP'");
    return new Set(rows.map((r: { duns: string }) => r.duns));
  }

  /**
   * Writes queue behind one another on the transaction's connection while the loader goes on to
   * the next batch, whose reads run on a second connection at the same time. Reading committed
   * state there is what the loader needs: under the advisory lock nobody else loads, and what this
   * file itself wrote the loader keeps in memory (versions read earlier in the file, ESI IDs it
   * registered, stretches it learnt), so it never asks the database for them.
   */
  async inTransaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    const reader = await this.pool.connect();
    const madeMonths = new Set<string>();
    try {
      const result = await inPgTransaction(this.pool, async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK_KEY]);
        const writes = new WriteBehind();
        const out = await work(this.transaction({ tx, reader, writes, madeMonths })).catch(async (error) => {
          await writes.settled().catch(() => undefined); // nothing left running on the connection before ROLLBACK
          throw error;
        });
        await writes.settled();
        return out;
      });
      for (const month of madeMonths) this.months.add(month);
      return result;
    } finally {
      reader.release();
    }
  }

  async failFile(fileId: number, summary: FileLoadSummary): Promise<void> {
    await inPgTransaction(this.pool, (client) => writeSummary(client, fileId, summary));
  }

  /** Frees the loader lock's connection; the pool belongs to the data source. */
  async close(): Promise<void> {
    await this.loader.release();
  }

  private transaction(load: Load): IngestTransaction {
    const { tx: client, writes } = load;
    /** The connection for a read: the second one, unless this load may hold the parent table's lock. */
    const reading = (): PoolClient => {
      writes.check();
      return load.madeMonths.size > 0 ? client : load.reader;
    };
    const reads = new PostgresIngestReads(reading);
    return {
      foreseeDays: (pairs) => reads.foreseeDays(pairs),
      latestVersions: (keys) => reads.latestVersions(keys),
      esiidTdsps: (esiids) => reads.esiidTdsps(esiids),
      registerEsiids: async (rows) => {
        // No ON CONFLICT: an ESI ID registered meanwhile by someone else fails the load rather than
        // taking records of another TDSP's ESI ID.
        writes.add(() => client.query('INSERT INTO esiid (esiid, tdsp_duns, updated_at) SELECT e, t, now() FROM unnest($1::text[], $2::text[]) AS r(e, t)',
          [rows.map((r) => r.esiid), rows.map((r) => r.tdspDuns)]));
      },
      repsOfRecord: (esiids) => reads.repsOfRecord(esiids),
      addLseStretches: async (rows) => {
        writes.check();
        // Ids drawn first, so each stretch knows its own without relying on the order RETURNING gives;
        // on the reading connection (a sequence is not transactional), so the writes queued before
        // need not be waited for.
        const ids = await load.reader.query({
          text: "SELECT nextval(pg_get_serial_sequence('rep_of_record', 'id')) FROM generate_series(1, $1)",
          values: [rows.length], rowMode: 'array',
        });
        rows.forEach((r, i) => (r.stretch.id = Number(ids.rows[i][0])));
        writes.add(() => client.query(`INSERT INTO rep_of_record (id, esiid, rep_duns, effective_from, effective_to, source)
          SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`, [
          rows.map((r) => r.stretch.id), rows.map((r) => r.esiid), rows.map((r) => r.stretch.repDuns),
          rows.map((r) => r.stretch.effectiveFrom), rows.map((r) => r.stretch.effectiveTo), rows.map((r) => r.stretch.source),
        ]));
      },
      moveStretches: async (ids, bounds) => {
        const sets: string[] = [];
        const values: unknown[] = [ids];
        if ('effectiveFrom' in bounds) sets.push(`effective_from = $${values.push(bounds.effectiveFrom)}`);
        if ('effectiveTo' in bounds) sets.push(`effective_to = $${values.push(bounds.effectiveTo)}`);
        if (sets.length > 0) writes.add(() => client.query(`UPDATE rep_of_record SET ${sets.join(', ')} WHERE id = ANY($1::int[])`, values));
      },
      insertIntervals: async (records: LseRecord[], fileId) => {
        reads.endBatch();
        if (records.length === 0) return;
        let missing = this.missingMonths(records, load.madeMonths);
        if (missing) {
          // The catalog first, on the reading connection: a month that upkeep or an earlier load made
          // needs nothing, and this load keeps reading beside its writes.
          writes.check();
          for (const month of await listPartitionMonths(load.reader)) this.months.add(month);
          missing = this.missingMonths(records, load.madeMonths);
        }
        if (missing) {
          // Noted before the write runs: from here on this load's reads queue behind its writes.
          for (const month of missing) load.madeMonths.add(month);
          writes.add(async () => {
            // Making a partition locks interval_day against every reader: wait for that briefly, and
            // fail this file (to be loaded again later) rather than stall reports behind the load.
            await client.query(`SET LOCAL lock_timeout = ${PARTITION_LOCK_TIMEOUT_MS}`);
            await ensurePartitions(client, missing);
            await client.query('RESET lock_timeout');
          });
        }
        // A batch goes in as several COPY statements, each queued as soon as its rows are written: the
        // server takes the first while the next are being written, so little is left at the file's end.
        for (let from = 0; from < records.length; from += COPY_ROWS) {
          const part = records.slice(from, from + COPY_ROWS);
          const copy = new BinaryCopyWriter(this.buffers.take(part.length * (part[0].values.byteLength + 160)));
          for (const r of part) {
            copy.row(INTERVAL_FIELDS).text(r.operatingDay).int4(r.channel!).text(r.esiid).int8(r.version!).int4(r.intervalCount)
              .bytes(r.values).text(r.origin).text(r.startReading).text(r.stopReading).text(r.transactionId).int4(fileId);
          }
          const payload = copy.finish();
          // The buffer goes back on the shelf only once the server has the payload (a failed COPY's is dropped).
          writes.add(async () => {
            await copyIn(client, COPY_INTERVALS, payload);
            this.buffers.put(copy.storage);
          });
          if (from + COPY_ROWS < records.length) await new Promise<void>((resolve) => setImmediate(resolve)); // lets the COPY start
        }
      },
      finishFile: async (fileId, summary) => {
        // Queued behind the file's last writes, so the summary follows them without a wait in between.
        writes.add(() => writeSummary(client, fileId, summary));
        await writes.settled();
      },
    };
  }

  /**
   * Partition upkeep makes months ahead; a day outside them (a late file for a new month before the
   * first upkeep, a future day) gets its month made inside the load, so it rolls back with it.
   */
  private missingMonths(records: LseRecord[], made: Set<string>): Set<string> | null {
    let missing: Set<string> | null = null;
    for (const r of records) {
      const month = monthOf(r.operatingDay!);
      if (!this.months.has(month) && !made.has(month)) (missing ??= new Set()).add(month);
    }
    return missing;
  }
}

async function writeSummary(client: PoolClient, fileId: number, s: FileLoadSummary): Promise<void> {
  await client.query(`UPDATE ingest_file SET sender_duns = $1, status = $2, file_code = $3, file_reason = $4, total_records = $5,
    counts_by_code = $6, first_day = $7, last_day = $8, report_path = $9, finished_at = $10 WHERE id = $11`,
  [s.senderDuns, s.status, s.fileCode, s.fileReason, s.total, JSON.stringify(s.byCode), s.firstDay, s.lastDay, s.reportPath, s.finishedAt, fileId]);
  if (s.rejected.length === 0) return;
  const r = s.rejected;
  await client.query(`INSERT INTO ingest_rejection (file_id, line, esiid, operating_day, channel, code, reason)
    SELECT $1::int, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])`,
  [fileId, r.map((x) => x.line), r.map((x) => x.esiid), r.map((x) => x.operatingDay), r.map((x) => x.channel), r.map((x) => x.code), r.map((x) => x.reason.slice(0, 500))]);
}
