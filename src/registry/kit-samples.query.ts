import type { DataSource } from 'typeorm';

/**
 * What a starter kit's samples can be filled with for one participant: ESI IDs it serves (a REP: those
 * it is REP of record of on `today`; a TDSP: those on its wires) with their registered meters, and the
 * operating days that hold usage for them. Read-only and bounded; plain SQL for every supported database.
 */

export interface ServedEsiid {
  esiid: string;
  meterNumber: string | null;
}

export async function esiidsServedBy(db: DataSource, kind: 'REP' | 'TDSP', duns: string, today: string, limit: number): Promise<ServedEsiid[]> {
  const query = kind === 'TDSP'
    ? db.createQueryBuilder().select(['e.esiid AS "esiid"', 'e.meter_number AS "meterNumber"']).from('esiid', 'e')
      .where('e.tdsp_duns = :duns', { duns })
    : db.createQueryBuilder().select(['r.esiid AS "esiid"', 'e.meter_number AS "meterNumber"']).from('rep_of_record', 'r')
      .leftJoin('esiid', 'e', 'e.esiid = r.esiid')
      .where('r.rep_duns = :duns AND r.effective_from <= :today AND (r.effective_to IS NULL OR r.effective_to >= :today)', { duns, today });
  const rows = await query.orderBy('"esiid"').limit(limit).getRawMany<ServedEsiid>();
  return rows.map((r) => ({ esiid: r.esiid, meterNumber: r.meterNumber ?? null }));
}

/** The newest operating days (YYYY-MM-DD, newest first) with interval data for any of the ESI IDs. */
export async function daysWithData(db: DataSource, esiids: string[], limit: number): Promise<string[]> {
  if (esiids.length === 0) return [];
  const rows = await db.createQueryBuilder().select('DISTINCT i.operating_day', 'day').from('interval_day', 'i')
    .where('i.esiid IN (:...esiids)', { esiids }).orderBy('day', 'DESC').limit(limit).getRawMany<{ day: string }>();
  return rows.map((r) => r.day);
}
