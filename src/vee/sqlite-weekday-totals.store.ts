import Database from 'better-sqlite3';
import { SQLITE_BUSY_TIMEOUT_MS } from '../db/sqlite-settings';
import { applyIngestPragmas } from '../ingest/sqlite-ingest.store';
import { ChangedRows, type WeekdayRows, type WeekdayTotalsStore } from './weekday-totals';

/** Up to this many ESI IDs a weekday's rows are read by key look-ups; beyond it, one key range is cheaper. */
const LOOKUP_LIMIT = 5_000;

/**
 * VEE's weekday totals on the embedded database: a connection of its own with the ingest
 * connection's settings (it writes after each load), prepared statements and raw rows. A TDSP's
 * day is one key range of its weekday's rows; a few ESI IDs are looked up one by one.
 */
export class SqliteWeekdayTotalsStore implements WeekdayTotalsStore {
  private readonly db: Database.Database;
  private readonly one: Database.Statement;
  private readonly range: Database.Statement;
  private readonly put: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    // The same durability as the load it follows, and no WAL checkpoint of the load's pages forced on this connection's small commits.
    applyIngestPragmas(this.db);
    this.one = this.db.prepare('SELECT totals FROM vee_weekday_total WHERE weekday = ? AND esiid = ?').pluck();
    this.range = this.db.prepare('SELECT esiid, totals FROM vee_weekday_total WHERE weekday = ? AND esiid BETWEEN ? AND ?').raw();
    // An existing row is updated in place (REPLACE would delete and insert it).
    this.put = this.db.prepare('INSERT INTO vee_weekday_total (weekday, esiid, totals) VALUES (?, ?, ?) ON CONFLICT (weekday, esiid) DO UPDATE SET totals = excluded.totals');
  }

  async open(weekday: number, esiids: ReadonlySet<string>): Promise<WeekdayRows> {
    const read = new Map<string, Uint8Array>();
    if (esiids.size <= LOOKUP_LIMIT) {
      for (const esiid of esiids) {
        const bytes = this.one.get(weekday, esiid) as Buffer | undefined;
        if (bytes) read.set(esiid, bytes);
      }
    } else {
      let low = '\uffff', high = '';
      for (const e of esiids) {
        if (e < low) low = e;
        if (e > high) high = e;
      }
      for (const [esiid, bytes] of this.range.all(weekday, low, high) as [string, Buffer][]) if (esiids.has(esiid)) read.set(esiid, bytes);
    }
    return new ChangedRows(read, async (changed) => this.db.transaction(() => {
      for (const [esiid, row] of changed) this.put.run(weekday, esiid, row);
    })());
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
