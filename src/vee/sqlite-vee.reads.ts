import Database from 'better-sqlite3';
import { InListStatements } from '../db/sqlite-in-list';
import { SQLITE_BUSY_TIMEOUT_MS } from '../db/sqlite-settings';
import type { RegistryFacts, VeeReads } from './vee-reads';
import type { StoredRecord } from './vee.store';

/** ESI IDs per statement: each is one seek on the interval store's (day, channel, ESI ID) key. */
const IN_LIST = 500;
/** Up to this many ESI IDs a day is read by key look-ups; beyond it, key ranges are cheaper. */
const LOOKUP_LIMIT = 5_000;
const COLUMNS = 'esiid, version, interval_count, interval_values, start_reading, stop_reading';

type Row = [esiid: string, version: number, intervalCount: number, values: Buffer, startReading: string | null, stopReading: string | null];

/**
 * VEE's reads on the embedded database: its own read-only connection, prepared statements and
 * raw rows, as the report reads do (src/usage/sqlite-usage.source.ts). Through the ORM the same
 * reads cost the check more than the load it follows.
 */
export class SqliteVeeReads implements VeeReads {
  private readonly db: Database.Database;
  private readonly inList: InListStatements;
  private readonly rangeOfDay: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.inList = new InListStatements(this.db);
    this.rangeOfDay = this.db.prepare(`SELECT ${COLUMNS} FROM interval_day WHERE operating_day = ? AND channel = ? AND esiid BETWEEN ? AND ? ORDER BY esiid, version`);
  }

  async replacedVersions(records: StoredRecord[]): Promise<Map<StoredRecord, StoredRecord>> {
    const groups = new Map<string, Map<string, StoredRecord>>();
    for (const r of records) {
      const key = `${r.operatingDay}|${r.channel}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new Map()));
      group.set(r.esiid, r);
    }
    const replaced = new Map<StoredRecord, StoredRecord>();
    for (const group of groups.values()) {
      const { operatingDay: day, channel } = group.values().next().value!;
      // Rows come by ESI ID, then version: the last one below a record's own version is what it replaced.
      for (const row of this.dayRows(day, channel, [...group.keys()])) {
        const newer = group.get(row[0])!;
        if (Number(row[1]) < newer.version) replaced.set(newer, toRecord(day, channel, row));
      }
    }
    return replaced;
  }

  async registryFacts(esiids: string[]): Promise<RegistryFacts> {
    const tdsp = new Map<string, string>();
    const stretches: RegistryFacts['stretches'] = new Map();
    for (let i = 0; i < esiids.length; i += IN_LIST) {
      const part = esiids.slice(i, i + IN_LIST);
      for (const [esiid, duns] of this.inList.get('SELECT esiid, tdsp_duns FROM esiid WHERE esiid IN (#)', part.length).raw().all(...part) as [string, string][]) {
        tdsp.set(esiid, duns);
      }
      for (const [esiid, repDuns, from, to] of this.inList.get('SELECT esiid, rep_duns, effective_from, effective_to FROM rep_of_record WHERE esiid IN (#)', part.length).raw().all(...part) as [string, string, string, string | null][]) {
        let list = stretches.get(esiid);
        if (!list) stretches.set(esiid, (list = []));
        list.push({ repDuns, from, to });
      }
    }
    return { tdsp, stretches };
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /**
   * Every stored version of the ESI IDs' day and channel, by ESI ID then version. Many ESI IDs (a
   * TDSP's day) are read as key ranges, in order through the table, as the report reads do; a few
   * are looked up one by one.
   */
  private *dayRows(day: string, channel: number, esiids: string[]): Generator<Row> {
    const sorted = [...esiids].sort();
    const ranged = sorted.length > LOOKUP_LIMIT;
    const wanted = ranged ? new Set(sorted) : null;
    for (let i = 0; i < sorted.length; i += IN_LIST) {
      const part = sorted.slice(i, i + IN_LIST);
      if (!ranged) {
        yield* this.inList.get(`SELECT ${COLUMNS} FROM interval_day WHERE operating_day = ? AND channel = ? AND esiid IN (#) ORDER BY esiid, version`, part.length).raw().all(day, channel, ...part) as Row[];
        continue;
      }
      for (const row of this.rangeOfDay.raw().all(day, channel, part[0], part[part.length - 1]) as Row[]) if (wanted!.has(row[0])) yield row;
    }
  }
}

function toRecord(operatingDay: string, channel: number, [esiid, version, intervalCount, values, startReading, stopReading]: Row): StoredRecord {
  return { operatingDay, channel, esiid, version: Number(version), intervalCount, values, startReading, stopReading };
}
