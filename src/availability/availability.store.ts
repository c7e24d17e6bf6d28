import type { DataSource } from 'typeorm';

export interface RorStretchRow {
  esiid: string;
  repDuns: string;
  from: string;
  to: string | null;
}

export interface RejectionRow {
  esiid: string;
  operatingDay: string;
  code: string;
  reason: string;
  fileName: string;
  fileId: number;
}

/** Stays under SQL Server's 2,100 parameters and SQLite's default limits. */
const CHUNK = 500;

/** What the missing-data reports read: REP-of-record stretches, loaded days, rejections. Plain SQL for every database. */
export class AvailabilityStore {
  constructor(private readonly db: DataSource) {}

  /** REP-of-record stretches overlapping first..last of the ESI IDs of these TDSP DUNS. */
  async stretchesOfTdsp(tdspDuns: string[], first: string, last: string): Promise<RorStretchRow[]> {
    return this.db.createQueryBuilder()
      .select(['r.esiid AS esiid', 'r.rep_duns AS "repDuns"', 'r.effective_from AS "from"', 'r.effective_to AS "to"'])
      .from('rep_of_record', 'r').innerJoin('esiid', 'e', 'e.esiid = r.esiid')
      .where('e.tdsp_duns IN (:...tdspDuns) AND r.effective_from <= :last AND (r.effective_to IS NULL OR r.effective_to >= :first)', { tdspDuns, first, last })
      .getRawMany();
  }

  /** REP-of-record stretches of these REP DUNS overlapping first..last. */
  async stretchesOfRep(repDuns: string[], first: string, last: string): Promise<RorStretchRow[]> {
    return this.db.createQueryBuilder()
      .select(['r.esiid AS esiid', 'r.rep_duns AS "repDuns"', 'r.effective_from AS "from"', 'r.effective_to AS "to"'])
      .from('rep_of_record', 'r')
      .where('r.rep_duns IN (:...repDuns) AND r.effective_from <= :last AND (r.effective_to IS NULL OR r.effective_to >= :first)', { repDuns, first, last })
      .getRawMany();
  }

  /**
   * Which of `esiids` have consumption (channel 4) stored for a day, any version: read in chunks by
   * the interval store's key, so the cost follows the ESI IDs asked about, not every TDSP's day.
   */
  async loadedOn(day: string, esiids: string[]): Promise<Set<string>> {
    const loaded = new Set<string>();
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const part = esiids.slice(i, i + CHUNK);
      const rows = await this.db.createQueryBuilder().select('DISTINCT i.esiid', 'esiid').from('interval_day', 'i')
        .where('i.operating_day = :day AND i.channel = 4 AND i.esiid IN (:...part)', { day, part }).getRawMany();
      for (const r of rows) loaded.add(r.esiid as string);
    }
    return loaded;
  }

  /** Records of these ESI IDs refused in first..last, newest refusal last. */
  async rejections(esiids: string[], first: string, last: string): Promise<RejectionRow[]> {
    const out: RejectionRow[] = [];
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const part = esiids.slice(i, i + CHUNK);
      const rows = await this.db.createQueryBuilder()
        .select(['r.esiid AS esiid', 'r.operating_day AS "operatingDay"', 'r.code AS code', 'r.reason AS reason', 'f.file_name AS "fileName"', 'r.file_id AS "fileId"'])
        .from('ingest_rejection', 'r').innerJoin('ingest_file', 'f', 'f.id = r.file_id')
        .where('r.esiid IN (:...part) AND r.operating_day BETWEEN :first AND :last AND (r.channel = 4 OR r.channel IS NULL)', { part, first, last })
        .orderBy('r.id').getRawMany();
      out.push(...rows.map((r) => ({ ...r, fileId: Number(r.fileId) })));
    }
    return out;
  }
}

/** Whether a stretch covers a day. */
export function covers(s: { from: string; to: string | null }, day: string): boolean {
  return s.from <= day && (s.to === null || s.to >= day);
}
