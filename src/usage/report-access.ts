import type { EsiidFacts } from './usage.source';

export interface AccessScope {
  participantId: number;
  kind: 'REP' | 'TDSP';
  /** Every DUNS of the requesting participant. */
  duns: ReadonlySet<string>;
}

/**
 * A portal export for someone who is no market participant (a customer, the regulator): the portal
 * chose its ESI IDs and first day by the person's own rights (src/portal/energy-access.ts), and
 * every day of the range is reported.
 */
export interface WholeRangeScope {
  kind: 'ALL';
}

export type ReportScope = AccessScope | WholeRangeScope;

export interface DayRange {
  from: string;
  to: string;
}

/**
 * The days of [start, end] a requester may see for one ESI ID: a TDSP every day of its own
 * territory's ESI IDs; a REP the days one of its DUNS was REP of record. Empty: not authorized.
 */
export function authorizedDays(scope: ReportScope, facts: EsiidFacts | undefined, start: string, end: string): DayRange[] {
  if (!facts) return [];
  if (scope.kind === 'ALL') return [{ from: start, to: end }];
  if (scope.kind === 'TDSP') return facts.tdspDuns !== null && scope.duns.has(facts.tdspDuns) ? [{ from: start, to: end }] : [];
  const ranges: DayRange[] = [];
  for (const s of facts.stretches) {
    if (!scope.duns.has(s.repDuns)) continue;
    const from = s.from > start ? s.from : start;
    const to = s.to === null || s.to > end ? end : s.to;
    if (from <= to) ranges.push({ from, to });
  }
  return ranges.sort((a, b) => a.from.localeCompare(b.from));
}

export function inRanges(ranges: DayRange[], day: string): boolean {
  for (const r of ranges) if (r.from <= day && day <= r.to) return true;
  return false;
}
