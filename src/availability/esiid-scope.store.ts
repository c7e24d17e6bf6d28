import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { AccessScope } from '../usage/report-access';
import type { RorStretchRow } from './availability.store';

/** Stays under SQL Server's 2,100 parameters and SQLite's default limits. */
const CHUNK = 500;

/**
 * The ESI IDs a market participant may ask the data services about, read by key in ESI ID order so
 * every answer can be paged: a REP's are those one of its DUNS was REP of record of, a TDSP's those of
 * its territory. The same rules as report access (src/usage/report-access.ts), written as queries.
 */
export class EsiidScopeStore {
  constructor(private readonly db: DataSource) {}

  /**
   * ESI IDs with a REP of record on some day of first..last that the scope may see on that day (a REP:
   * its own stretches; a TDSP: any REP, in its territory), after `after`, in order, at most `limit`.
   */
  async servedEsiids(scope: AccessScope, first: string, last: string, after: string | null, limit: number): Promise<string[]> {
    const q = this.stretches(scope, first, last).select('r.esiid', 'esiid').groupBy('r.esiid').orderBy('r.esiid').limit(limit);
    if (after !== null) q.andWhere('r.esiid > :after', { after });
    return (await q.getRawMany()).map((r) => r.esiid as string);
  }

  /** The ESI IDs of a TDSP's territory, whether or not they have a REP of record, in order, at most `limit`. */
  async territoryEsiids(tdspDuns: readonly string[], limit: number): Promise<string[]> {
    const rows = await this.db.createQueryBuilder().select('e.esiid', 'esiid').from('esiid', 'e')
      .where('e.tdsp_duns IN (:...duns)', { duns: [...tdspDuns] }).orderBy('e.esiid').limit(limit).getRawMany();
    return rows.map((r) => r.esiid as string);
  }

  /** The REP-of-record stretches of these ESI IDs overlapping first..last that the scope may see. */
  async stretchesOf(scope: AccessScope, esiids: readonly string[], first: string, last: string): Promise<RorStretchRow[]> {
    const out: RorStretchRow[] = [];
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const part = esiids.slice(i, i + CHUNK);
      out.push(...await this.stretches(scope, first, last)
        .select(['r.esiid AS esiid', 'r.rep_duns AS "repDuns"', 'r.effective_from AS "from"', 'r.effective_to AS "to"'])
        .andWhere('r.esiid IN (:...part)', { part }).getRawMany());
    }
    return out;
  }

  private stretches(scope: AccessScope, first: string, last: string): SelectQueryBuilder<object> {
    const q = this.db.createQueryBuilder().from('rep_of_record', 'r')
      .where('r.effective_from <= :last AND (r.effective_to IS NULL OR r.effective_to >= :first)', { first, last });
    const duns = [...scope.duns];
    return scope.kind === 'REP'
      ? q.andWhere('r.rep_duns IN (:...duns)', { duns })
      : q.innerJoin('esiid', 'e', 'e.esiid = r.esiid').andWhere('e.tdsp_duns IN (:...duns)', { duns });
  }
}
