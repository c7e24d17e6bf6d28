import Database from 'better-sqlite3';
import { InListStatements } from '../db/sqlite-in-list';
import { SQLITE_BUSY_TIMEOUT_MS } from '../db/sqlite-settings';
import type { UsageDay } from './usage-day';
import type { EsiidFacts, UsageSource } from './usage.source';

const IN_LIST = 500;
/** Up to this many ESI IDs a day is read by key look-ups; beyond it, key ranges are cheaper. */
const LOOKUP_LIMIT = 5_000;
/** ESI IDs per key range read at once (as many as a report section). */
const RANGE = 250;
/** A stored day's columns, read as raw rows (arrays): no object with named columns made for each row, then another. */
const COLUMNS = 'esiid, version, interval_count, interval_values, start_reading, stop_reading, file_id';
type DayRow = [string, number, number, Buffer, string | null, string | null, number];

/** Report reads on the embedded database, through a read-only connection of their own. */
export class SqliteUsageSource implements UsageSource {
  private readonly db: Database.Database;
  private readonly rangeOfDay: Database.Statement;
  private readonly meters = new Map<string, string | null>();
  private readonly inList: InListStatements;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.inList = new InListStatements(this.db);
    this.rangeOfDay = this.db.prepare(`SELECT ${COLUMNS} FROM interval_day WHERE operating_day = ? AND channel = ? AND esiid BETWEEN ? AND ? ORDER BY esiid, version`).raw(true);
  }

  async *dayRows(day: string, channel: 1 | 4, esiids: ReadonlySet<string>): AsyncIterable<UsageDay> {
    const sorted = [...esiids].sort();
    if (esiids.size > LOOKUP_LIMIT) {
      // Runs of the wanted ESI IDs as key ranges: a reader of every other run (one of two report
      // threads) reads its own share of the day, not all of it. Rows in a range that are not wanted
      // (not authorized, or another reader's) are skipped.
      for (let i = 0; i < sorted.length; i += RANGE) {
        const rows = this.rangeOfDay.all(day, channel, sorted[i], sorted[Math.min(i + RANGE, sorted.length) - 1]) as DayRow[];
        for (const row of rows) if (esiids.has(row[0])) yield this.usageDay(row, day, channel);
      }
      return;
    }
    for (let i = 0; i < sorted.length; i += IN_LIST) {
      const part = sorted.slice(i, i + IN_LIST);
      const sql = `SELECT ${COLUMNS} FROM interval_day WHERE operating_day = ? AND channel = ? AND esiid IN (#) ORDER BY esiid, version`;
      // .all() rather than .iterate(): a statement mid-iteration is busy, and callers interleave.
      for (const row of this.inList.get(sql, part.length).raw(true).all(day, channel, ...part) as DayRow[]) yield this.usageDay(row, day, channel);
    }
  }

  async facts(esiids: string[]): Promise<Map<string, EsiidFacts>> {
    const facts = new Map<string, EsiidFacts>();
    for (let i = 0; i < esiids.length; i += IN_LIST) {
      const part = esiids.slice(i, i + IN_LIST);
      // Rows as arrays (raw): no object with named columns for each of the many rows read.
      const registered = this.inList.get('SELECT esiid, tdsp_duns, meter_number, read_cycle FROM esiid WHERE esiid IN (#)', part.length)
        .raw(true).all(...part) as [string, string, string | null, number | null][];
      for (const [esiid, tdspDuns, meterNumber, readCycle] of registered) {
        facts.set(esiid, { tdspDuns, meterNumber, readCycle, stretches: [] });
        this.meters.set(esiid, meterNumber);
      }
      const stretches = this.inList.get('SELECT esiid, rep_duns, effective_from, effective_to FROM rep_of_record WHERE esiid IN (#) ORDER BY esiid, effective_from', part.length)
        .raw(true).all(...part) as [string, string, string, string | null][];
      for (const [esiid, repDuns, from, to] of stretches) facts.get(esiid)?.stretches.push({ repDuns, from, to });
      // better-sqlite3 is synchronous: between parts, the requests waiting on the event loop get their turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return facts;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private usageDay([esiid, version, intervalCount, values, startReading, stopReading, fileId]: DayRow, operatingDay: string, channel: 1 | 4): UsageDay {
    return { esiid, operatingDay, channel, version, intervalCount, values, startReading, stopReading, fileId, meterNumber: this.meters.get(esiid) ?? null };
  }
}
