import type { DataSource } from 'typeorm';
import { ChangedRows, type WeekdayRows, type WeekdayTotalsStore } from './weekday-totals';

/** Stays under SQL Server's 2,100 parameters and SQLite's default limits. */
const CHUNK = 500;

/** VEE's weekday totals through plain SQL that every supported database runs. */
export class TypeormWeekdayTotalsStore implements WeekdayTotalsStore {
  constructor(private readonly db: DataSource) {}

  async open(weekday: number, wanted: ReadonlySet<string>): Promise<WeekdayRows> {
    const read = new Map<string, Uint8Array>();
    const esiids = [...wanted];
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const part = esiids.slice(i, i + CHUNK);
      const found = await this.db.createQueryBuilder().select(['esiid', 'totals']).from('vee_weekday_total', 't')
        .where('weekday = :weekday AND esiid IN (:...part)', { weekday, part }).getRawMany();
      for (const r of found) read.set(r.esiid, r.totals as Uint8Array);
    }
    return new ChangedRows(read, (rows) => this.db.transaction(async (m) => {
      const changed = [...rows];
      for (let i = 0; i < changed.length; i += CHUNK) {
        const part = changed.slice(i, i + CHUNK);
        await m.createQueryBuilder().delete().from('vee_weekday_total').where('weekday = :weekday AND esiid IN (:...esiids)', { weekday, esiids: part.map(([e]) => e) }).execute();
        await m.createQueryBuilder().insert().into('vee_weekday_total', ['weekday', 'esiid', 'totals'])
          .values(part.map(([esiid, totals]) => ({ weekday, esiid, totals }))).execute();
      }
    }));
  }
}
