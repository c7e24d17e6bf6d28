import type { DataSource } from 'typeorm';
import { chunks } from '../db/bulk-sql';
import { authorizedDays, type ReportScope } from '../usage/report-access';
import type { EsiidFacts } from '../usage/usage.source';

const IN_LIST = 500;

/**
 * Those of `esiids` a report of `scope` may show on `day` and that are active that day (a TDSP and
 * a REP of record): the same rule the report generator applies day by day (report-access.ts), so a
 * report never makes the platform estimate a day its requester may not see (another REP's days).
 * Each with its TDSP DUNS.
 */
export async function estimableOnDay(db: DataSource, scope: ReportScope, day: string, esiids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(esiids, IN_LIST)) {
    const facts = new Map<string, EsiidFacts>();
    const registered = await db.createQueryBuilder().select(['esiid', 'tdsp_duns AS "tdsp"']).from('esiid', 'e')
      .where('esiid IN (:...part)', { part }).getRawMany<{ esiid: string; tdsp: string | null }>();
    for (const r of registered) facts.set(r.esiid, { tdspDuns: r.tdsp, meterNumber: null, readCycle: null, stretches: [] });
    const stretches = await db.createQueryBuilder().select(['esiid', 'rep_duns AS "repDuns"', 'effective_from AS "from"', 'effective_to AS "to"'])
      .from('rep_of_record', 'r').where('esiid IN (:...part)', { part }).andWhere('effective_from <= :day', { day })
      .getRawMany<{ esiid: string; repDuns: string; from: string; to: string | null }>();
    for (const { esiid, ...stretch } of stretches) facts.get(esiid)?.stretches.push(stretch);
    for (const [esiid, f] of facts) {
      // As ERCOT estimates active ESI IDs only: a day without a REP of record (an inactive premise) is not estimated.
      const active = f.tdspDuns !== null && f.stretches.some((s) => s.from <= day && (s.to === null || day <= s.to));
      if (active && authorizedDays(scope, f, day, day).length > 0) out.set(esiid, f.tdspDuns!);
    }
  }
  return out;
}
