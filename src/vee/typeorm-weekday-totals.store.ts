import type { DataSource, EntityManager } from 'typeorm';
import { WeekdayBuckets } from './weekday-buckets';
import type { WeekdayRows, WeekdayTotalsStore } from './weekday-totals';

/** Stays under SQL Server's 2,100 parameters and SQLite's default limits. */
const CHUNK = 500;

/** VEE's weekday totals through plain SQL that every supported database runs. */
export class TypeormWeekdayTotalsStore implements WeekdayTotalsStore {
  constructor(private readonly db: DataSource) {}

  async open(weekday: number, buckets: ReadonlySet<string>): Promise<WeekdayRows> {
    const read = await readBuckets(this.db.manager, weekday, [...buckets]);
    return new WeekdayBuckets(read, (rows) => this.db.transaction(async (m) => {
      // The weekday's lock row: writers of one weekday's buckets take turns, so none writes over a
      // bucket another changed after this file read it (a bucket that is new has no row to lock).
      await m.createQueryBuilder().update('vee_weekday_lock').set({ weekday }).where('weekday = :weekday', { weekday }).execute();
      const changed = rows.changedBuckets();
      const stored = await readBuckets(m, weekday, changed);
      for (let i = 0; i < changed.length; i += CHUNK) {
        const part = changed.slice(i, i + CHUNK);
        await m.createQueryBuilder().delete().from('vee_weekday_bucket').where('weekday = :weekday AND bucket IN (:...part)', { weekday, part }).execute();
        await m.createQueryBuilder().insert().into('vee_weekday_bucket', ['weekday', 'bucket', 'members'])
          .values(part.map((bucket) => ({ weekday, bucket, members: Buffer.from(rows.merged(bucket, stored.get(bucket))) }))).execute();
      }
    }));
  }
}

/** The stored buckets among `buckets` of a weekday. */
export async function readBuckets(m: EntityManager, weekday: number, buckets: string[]): Promise<Map<string, Uint8Array>> {
  const read = new Map<string, Uint8Array>();
  for (let i = 0; i < buckets.length; i += CHUNK) {
    const part = buckets.slice(i, i + CHUNK);
    const found = await m.createQueryBuilder().select(['bucket', 'members']).from('vee_weekday_bucket', 'b')
      .where('weekday = :weekday AND bucket IN (:...part)', { weekday, part }).getRawMany();
    for (const r of found) read.set(r.bucket, r.members as Uint8Array);
  }
  return read;
}
