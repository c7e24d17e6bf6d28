import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { postgresPool } from '../db/postgres/pg-pool';
import type { UsageDay } from './usage-day';
import type { EsiidFacts, UsageSource } from './usage.source';

/** Up to this many ESI IDs a day is read by one statement: its rows are bounded by the set (a report section). */
const ONE_STATEMENT = 1_000;
/** Rows per FETCH from a server-side cursor beyond it (about 1 MB of packed days). */
const FETCH_ROWS = 2_000;
/** ESI IDs per facts statement. */
const FACTS_PART = 5_000;
// The meter number comes with each row, read now: no per-process cache to go stale.
const DAY_ROWS = `SELECT i.esiid, i.version, i.interval_count, i.interval_values, i.start_reading, i.stop_reading, i.file_id, e.meter_number
  FROM interval_day i LEFT JOIN esiid e ON e.esiid = i.esiid
  WHERE i.operating_day = $1 AND i.channel = $2 AND i.esiid = ANY($3::text[]) ORDER BY i.esiid, i.version`;

type DayRow = [string, string, number, Buffer, string | null, string | null, number, string | null];

/**
 * Report reads on PostgreSQL through plain clients of the data source's pool. A day of many ESI IDs
 * (a monthly report's whole set) streams through a cursor in a read-only transaction, FETCH_ROWS at
 * a time, in the report's order (ESI ID in byte order, then version): memory stays bounded whatever
 * the day's size. interval_day is partitioned by month, so a day's read touches one partition.
 */
export class PostgresUsageSource implements UsageSource {
  private readonly pool: Pool;

  constructor(db: DataSource) {
    this.pool = postgresPool(db);
  }

  async *dayRows(day: string, channel: 1 | 4, esiids: ReadonlySet<string>): AsyncIterable<UsageDay> {
    const wanted = [...esiids];
    if (wanted.length === 0) return;
    if (wanted.length <= ONE_STATEMENT) {
      const { rows } = await this.pool.query({ text: DAY_ROWS, values: [day, channel, wanted], rowMode: 'array' });
      for (const row of rows as DayRow[]) yield usageDay(row, day, channel);
      return;
    }
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`DECLARE usage_rows NO SCROLL CURSOR FOR ${DAY_ROWS}`, [day, channel, wanted]);
      for (;;) {
        const { rows } = await client.query({ text: `FETCH ${FETCH_ROWS} FROM usage_rows`, rowMode: 'array' });
        for (const row of rows as DayRow[]) yield usageDay(row, day, channel);
        if (rows.length < FETCH_ROWS) break;
      }
    } finally {
      // Also when the reader stops early: the cursor closes with the transaction.
      await client.query('ROLLBACK').catch((e: Error) => (failed = e));
      client.release(failed);
    }
  }

  async facts(esiids: string[]): Promise<Map<string, EsiidFacts>> {
    const facts = new Map<string, EsiidFacts>();
    for (let i = 0; i < esiids.length; i += FACTS_PART) {
      const part = esiids.slice(i, i + FACTS_PART);
      const registered = await this.pool.query({
        text: 'SELECT esiid, tdsp_duns, meter_number, read_cycle FROM esiid WHERE esiid = ANY($1::text[])', values: [part], rowMode: 'array',
      });
      for (const [esiid, tdsp, meter, cycle] of registered.rows as [string, string, string | null, number | null][]) {
        facts.set(esiid, { tdspDuns: tdsp, meterNumber: meter, readCycle: cycle, stretches: [] });
      }
      const stretches = await this.pool.query({
        text: 'SELECT esiid, rep_duns, effective_from, effective_to FROM rep_of_record WHERE esiid = ANY($1::text[]) ORDER BY esiid, effective_from',
        values: [part], rowMode: 'array',
      });
      for (const [esiid, repDuns, from, to] of stretches.rows as [string, string, string, string | null][]) {
        facts.get(esiid)?.stretches.push({ repDuns, from, to });
      }
    }
    return facts;
  }

  async close(): Promise<void> {} // the pool belongs to the data source
}

function usageDay(r: DayRow, day: string, channel: 1 | 4): UsageDay {
  return {
    esiid: r[0], operatingDay: day, channel, version: Number(r[1]), intervalCount: r[2], values: r[3],
    startReading: r[4], stopReading: r[5], fileId: r[6], meterNumber: r[7],
  };
}
