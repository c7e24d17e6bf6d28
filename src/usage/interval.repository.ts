import type { DataSource } from 'typeorm';

export interface StoredIntervalDay {
  operatingDay: string;
  channel: number;
  esiid: string;
  version: number;
  intervalCount: number;
  /** Packed intervals: read them with intervalKwh / intervalQuality (src/ingest/lse-record.ts). */
  values: Uint8Array;
}

/** Reads stored interval days; the SQL is plain enough for every supported database. */
export class IntervalRepository {
  constructor(private readonly db: DataSource) {}

  /** Every stored day of one ESI ID in a range, newest version last; only the newest unless `allVersions`. */
  async forEsiid(esiid: string, from: string, to: string, channel: number | null, allVersions: boolean): Promise<StoredIntervalDay[]> {
    const query = this.db.createQueryBuilder()
      .select(['operating_day AS "operatingDay"', 'channel', 'esiid', 'version', 'interval_count AS "intervalCount"', 'interval_values AS "values"'])
      .from('interval_day', 'i')
      .where('esiid = :esiid AND operating_day BETWEEN :from AND :to', { esiid, from, to })
      .orderBy('operating_day').addOrderBy('channel').addOrderBy('version');
    if (channel !== null) query.andWhere('channel = :channel', { channel });
    const rows = (await query.getRawMany()).map((r) => ({ ...r, channel: Number(r.channel), version: Number(r.version), intervalCount: Number(r.intervalCount) })) as StoredIntervalDay[];
    if (allVersions) return rows;
    const newest = new Map<string, StoredIntervalDay>();
    for (const row of rows) newest.set(`${row.operatingDay}|${row.channel}`, row);
    return [...newest.values()];
  }
}
