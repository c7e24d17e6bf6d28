import Database from 'better-sqlite3';
import { SQLITE_BUSY_TIMEOUT_MS } from '../db/sqlite-settings';
import { applyIngestPragmas } from '../ingest/sqlite-ingest.store';
import type { DayTotal, VeeDayTotals } from './vee-day-totals';

/** Up to this many ESI IDs a day is read by key look-ups; beyond it, one range of the day is cheaper. */
const LOOKUP_LIMIT = 5_000;

/**
 * VEE's daily totals on the embedded database: its own connection and prepared statements, as
 * the ingest store writes intervals (src/ingest/sqlite-ingest.store.ts). A TDSP's day of history
 * is one key range; a few ESI IDs are looked up one by one.
 */
export class SqliteVeeDayTotals implements VeeDayTotals {
  private readonly db: Database.Database;
  private readonly one: Database.Statement;
  private readonly range: Database.Statement;
  private readonly save: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    // Written after each load like the ingest connection writes: the same durability, and no WAL
    // checkpoint of the load's pages forced on this connection's small commits.
    applyIngestPragmas(this.db);
    this.one = this.db.prepare('SELECT total_wh FROM vee_day_total WHERE operating_day = ? AND esiid = ?').pluck();
    this.range = this.db.prepare('SELECT esiid, total_wh FROM vee_day_total WHERE operating_day = ? AND esiid BETWEEN ? AND ? AND total_wh IS NOT NULL').raw();
    this.save = this.db.prepare('INSERT OR REPLACE INTO vee_day_total (operating_day, esiid, version, total_wh) VALUES (?, ?, ?, ?)');
  }

  async dayTotals(day: string, esiids: ReadonlySet<string>): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    if (esiids.size <= LOOKUP_LIMIT) {
      for (const esiid of esiids) {
        const wh = this.one.get(day, esiid) as number | null | undefined;
        if (wh !== null && wh !== undefined) totals.set(esiid, wh);
      }
      return totals;
    }
    let low = '\uffff', high = '';
    for (const e of esiids) {
      if (e < low) low = e;
      if (e > high) high = e;
    }
    for (const [esiid, wh] of this.range.all(day, low, high) as [string, number][]) if (esiids.has(esiid)) totals.set(esiid, wh);
    return totals;
  }

  async saveDayTotals(totals: DayTotal[]): Promise<void> {
    this.db.transaction(() => {
      for (const t of totals) this.save.run(t.operatingDay, t.esiid, t.version, t.totalWh);
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
