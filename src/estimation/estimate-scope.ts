import { authorizedDays, type ReportScope } from '../usage/report-access';
import type { RegistryFacts } from '../vee/vee-reads';

/**
 * Those of `esiids` a report of `scope` may show on `day` and that are active that day (a TDSP and
 * a REP of record), each with its TDSP DUNS: the same rule the report generator applies day by day
 * (report-access.ts), so a report never makes the platform estimate a day its requester may not see
 * (another REP's days). `facts`: the ESI IDs' registry facts (VeeStore.registryFacts).
 */
export function estimableOnDay(scope: ReportScope, day: string, esiids: readonly string[], facts: RegistryFacts): Map<string, string> {
  const out = new Map<string, string>();
  for (const esiid of esiids) {
    const tdspDuns = facts.tdsp.get(esiid);
    const stretches = facts.stretches.get(esiid) ?? [];
    // As ERCOT estimates active ESI IDs only: a day without a REP of record (an inactive premise) is not estimated.
    const active = tdspDuns !== undefined && stretches.some((s) => s.from <= day && (s.to === null || day <= s.to));
    if (active && authorizedDays(scope, { tdspDuns, meterNumber: null, readCycle: null, stretches }, day, day).length > 0) out.set(esiid, tdspDuns);
  }
  return out;
}
