import type { DataSource } from 'typeorm';

/** One ESI ID's consumption on one day as the VEE check saw its newest version; null: not a whole day. */
export interface DayTotal {
  operatingDay: string;
  esiid: string;
  version: number;
  totalWh: number | null;
}

/**
 * The daily consumption totals VEE keeps (table vee_day_total) for the High/Low Usage rule's
 * history: a few bytes per ESI ID and day instead of the day's packed intervals.
 */
export interface VeeDayTotals {
  /** Whole-day totals (Wh) of `esiids` on `day`; ESI IDs without a whole day are absent. */
  dayTotals(day: string, esiids: ReadonlySet<string>): Promise<Map<string, number>>;
  /**
   * Keeps the totals of checked records, each replacing its ESI ID's day. They are kept as long as
   * the intervals: on PostgreSQL partition upkeep drops those of dropped months.
   */
  saveDayTotals(totals: DayTotal[]): Promise<void>;
}

/** Stays under SQL Server's 2,100 parameters (4 a row) and SQLite's default limits. */
const CHUNK = 500;

/** The totals through plain SQL that every supported database runs. */
export class TypeormVeeDayTotals implements VeeDayTotals {
  constructor(private readonly db: DataSource) {}

  async dayTotals(day: string, wanted: ReadonlySet<string>): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    const esiids = [...wanted];
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const part = esiids.slice(i, i + CHUNK);
      const rows = await this.db.createQueryBuilder().select(['esiid', 'total_wh AS "totalWh"']).from('vee_day_total', 't')
        .where('operating_day = :day AND esiid IN (:...part) AND total_wh IS NOT NULL', { day, part }).getRawMany();
      for (const r of rows) totals.set(r.esiid, Number(r.totalWh));
    }
    return totals;
  }

  async saveDayTotals(totals: DayTotal[]): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const [day, list] of byDay(totals)) {
        for (let i = 0; i < list.length; i += CHUNK) {
          const part = list.slice(i, i + CHUNK);
          await m.createQueryBuilder().delete().from('vee_day_total').where('operating_day = :day AND esiid IN (:...esiids)', { day, esiids: part.map((t) => t.esiid) }).execute();
          await m.createQueryBuilder().insert().into('vee_day_total', ['operating_day', 'esiid', 'version', 'total_wh'])
            .values(part.map((t) => ({ operating_day: t.operatingDay, esiid: t.esiid, version: t.version, total_wh: t.totalWh }))).execute();
        }
      }
    });
  }
}

/** Totals grouped by day, the last of an ESI ID's day winning (a file may carry a day twice). */
export function byDay(totals: DayTotal[]): Map<string, DayTotal[]> {
  const days = new Map<string, Map<string, DayTotal>>();
  for (const t of totals) {
    let day = days.get(t.operatingDay);
    if (!day) days.set(t.operatingDay, (day = new Map()));
    day.set(t.esiid, t);
  }
  return new Map([...days].map(([d, m]) => [d, [...m.values()]]));
}
