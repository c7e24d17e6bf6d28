import Database from 'better-sqlite3';
import { chunks } from '../db/bulk-sql';
import { InListStatements } from '../db/sqlite-in-list';
import { SQLITE_BUSY_TIMEOUT_MS, SQLITE_WAL_AUTOCHECKPOINT_PAGES } from '../db/sqlite-settings';
import type { FileLoadSummary } from './ingest-result';
import { keysByDayChannel, type IngestStore, type IngestTransaction, type IntervalKey, type RorStretch } from './ingest.store';
import type { LseRecord } from './lse-record';
import { isLiveLocalLoader, localLoader } from './local-loader';

const IN_LIST = 500;
// Every stored version of the ESI IDs' day (seldom more than one); the loader wants the newest.
const VERSIONS_SQL = 'SELECT esiid, version FROM interval_day WHERE operating_day = ? AND channel = ? AND esiid IN (#)';
const ROWS_PER_INSERT = 64;
const COLUMNS = 11;

function insertIntervalsSql(rows: number): string {
  const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  return `INSERT INTO interval_day (operating_day, channel, esiid, version, interval_count, interval_values,
    origin, start_reading, stop_reading, transaction_id, file_id) VALUES ${Array(rows).fill(row).join(', ')}`;
}

/**
 * The bound values of `count` records from `from`, in insertIntervalsSql's column order, written
 * into `params` (reused from statement to statement: the driver reads it during run()).
 */
function intervalParams(params: unknown[], records: LseRecord[], from: number, count: number, fileId: number): unknown[] {
  let p = 0;
  for (let i = from; i < from + count; i++) {
    const r = records[i];
    params[p++] = r.operatingDay;
    params[p++] = r.channel;
    params[p++] = r.esiid;
    params[p++] = r.version;
    params[p++] = r.intervalCount;
    // Records cross from the parser thread as plain Uint8Arrays; the driver binds Buffers.
    params[p++] = Buffer.from(r.values.buffer, r.values.byteOffset, r.values.byteLength);
    params[p++] = r.origin;
    params[p++] = r.startReading;
    params[p++] = r.stopReading;
    params[p++] = r.transactionId;
    params[p++] = fileId;
  }
  return params;
}


/** The settings of the ingest connection (also those of bench:ingest's insert ceiling probe). */
export function applyIngestPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32768');
  db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
}

/**
 * The embedded database's ingest path: its own better-sqlite3 connection, prepared statements
 * and one IMMEDIATE transaction per file, so the write lock is taken up front and other
 * connections wait instead of failing half-way.
 */
export class SqliteIngestStore implements IngestStore {
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly inList: InListStatements;
  private readonly loader = localLoader();

  constructor(file: string) {
    this.db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    applyIngestPragmas(this.db);
    this.inList = new InListStatements(this.db);
    const db = this.db;
    this.stmt = {
      addEsiid: db.prepare("INSERT INTO esiid (esiid, tdsp_duns, updated_at) VALUES (?, ?, datetime('now'))"),
      addStretch: db.prepare('INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) VALUES (?, ?, ?, ?, ?)'),
      insertInterval: db.prepare(insertIntervalsSql(1)),
      insertMany: db.prepare(insertIntervalsSql(ROWS_PER_INSERT)),
      startFile: db.prepare("INSERT INTO ingest_file (file_name, status, started_at, loader) VALUES (?, 'loading', ?, ?)"),
      finishFile: db.prepare(`UPDATE ingest_file SET sender_duns = ?, status = ?, file_code = ?, file_reason = ?,
        total_records = ?, counts_by_code = ?, first_day = ?, last_day = ?, report_path = ?, finished_at = ? WHERE id = ?`),
      reject: db.prepare('INSERT INTO ingest_rejection (file_id, line, esiid, operating_day, channel, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      loading: db.prepare("SELECT id, loader FROM ingest_file WHERE status = 'loading'"),
      interrupted: db.prepare("UPDATE ingest_file SET status = 'interrupted' WHERE id = ? AND status = 'loading'"),
      tdspDuns: db.prepare("SELECT d.duns FROM participant_duns d JOIN market_participant p ON p.id = d.participant_id WHERE p.kind = 'TDSP'").pluck(),
    };
  }

  async startFile(fileName: string, startedAt: string): Promise<number> {
    return Number(this.stmt.startFile.run(fileName, startedAt, this.loader).lastInsertRowid);
  }

  /** Only loads whose process is gone: one another live process (smt serve beside smt ingest) is running is left alone. */
  async markInterrupted(): Promise<number> {
    let n = 0;
    for (const { id, loader } of this.stmt.loading.all() as { id: number; loader: string | null }[]) {
      if (!isLiveLocalLoader(loader)) n += this.stmt.interrupted.run(id).changes;
    }
    return n;
  }

  async tdspDuns(): Promise<Set<string>> {
    return new Set(this.stmt.tdspDuns.all() as string[]);
  }

  async inTransaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this.transaction);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async failFile(fileId: number, summary: FileLoadSummary): Promise<void> {
    this.writeSummary(fileId, summary);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private writeSummary(fileId: number, s: FileLoadSummary): void {
    this.stmt.finishFile.run(s.senderDuns, s.status, s.fileCode, s.fileReason, s.total,
      JSON.stringify(s.byCode), s.firstDay, s.lastDay, s.reportPath, s.finishedAt, fileId);
    for (const r of s.rejected) {
      this.stmt.reject.run(fileId, r.line, r.esiid, r.operatingDay, r.channel, r.code, r.reason.slice(0, 500));
    }
  }

  private readonly transaction: IngestTransaction = {
    latestVersions: async (keys: IntervalKey[]) => {
      // One statement per day, channel and IN_LIST ESI IDs (index seeks all the same), not one per record.
      const groups = keysByDayChannel(keys);
      const found = new Map<string, number>();
      for (const [g, { day, channel, esiids }] of groups) {
        for (const part of chunks(esiids, IN_LIST)) {
          const rows = this.inList.get(VERSIONS_SQL, part.length).raw().all(day, channel, ...part) as [string, number | bigint][];
          for (const [esiid, v] of rows) {
            const key = g + '|' + esiid;
            found.set(key, Math.max(Number(v), found.get(key) ?? 0));
          }
        }
      }
      if (found.size === 0) return keys.map(() => null);
      return keys.map((k) => found.get(k.operatingDay + '|' + k.channel + '|' + k.esiid) ?? null);
    },
    esiidTdsps: async (esiids) => {
      const found = new Map<string, string>();
      for (const part of chunks(esiids, IN_LIST)) {
        for (const row of this.inList.get('SELECT esiid, tdsp_duns AS tdsp FROM esiid WHERE esiid IN (#)', part.length).all(...part) as { esiid: string; tdsp: string }[]) {
          found.set(row.esiid, row.tdsp);
        }
      }
      return found;
    },
    registerEsiids: async (rows) => {
      for (const r of rows) this.stmt.addEsiid.run(r.esiid, r.tdspDuns);
    },
    repsOfRecord: async (esiids) => {
      const found = new Map<string, RorStretch[]>(esiids.map((e) => [e, []]));
      const sql = 'SELECT id, esiid, rep_duns AS repDuns, effective_from AS effectiveFrom, effective_to AS effectiveTo, source FROM rep_of_record WHERE esiid IN (#)';
      for (const part of chunks(esiids, IN_LIST)) {
        for (const row of this.inList.get(sql, part.length).all(...part) as (RorStretch & { esiid: string })[]) {
          const { esiid, ...stretch } = row;
          found.get(esiid)!.push(stretch);
        }
      }
      for (const list of found.values()) list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
      return found;
    },
    addLseStretches: async (rows) => {
      for (const { esiid, stretch: s } of rows) {
        s.id = Number(this.stmt.addStretch.run(esiid, s.repDuns, s.effectiveFrom, s.effectiveTo, s.source).lastInsertRowid);
      }
    },
    moveStretches: async (ids, bounds) => {
      // One statement per IN_LIST ids: a day's file extends every ESI ID's stretch to the same day.
      const sets = Object.keys(bounds).map((k) => (k === 'effectiveFrom' ? 'effective_from = ?' : 'effective_to = ?')).join(', ');
      const values = Object.values(bounds);
      for (const part of chunks(ids, IN_LIST)) {
        this.inList.get(`UPDATE rep_of_record SET ${sets} WHERE id IN (#)`, part.length).run(...values, ...part);
      }
    },
    insertIntervals: async (records, fileId) => {
      // Many rows per statement: each run() crosses into the driver once for ROWS_PER_INSERT rows.
      let i = 0;
      const many = new Array<unknown>(ROWS_PER_INSERT * COLUMNS);
      for (; i + ROWS_PER_INSERT <= records.length; i += ROWS_PER_INSERT) {
        this.stmt.insertMany.run(intervalParams(many, records, i, ROWS_PER_INSERT, fileId));
      }
      const one = new Array<unknown>(COLUMNS);
      for (; i < records.length; i++) this.stmt.insertInterval.run(intervalParams(one, records, i, 1, fileId));
    },
    finishFile: async (fileId, summary) => this.writeSummary(fileId, summary),
  };
}
