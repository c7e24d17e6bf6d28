import { addDays } from '../core/cpt';
import { covers } from '../registry/rep-stretch.rules';
import type { RorStretch } from './ingest.store';

/**
 * Records that `repDuns` served the ESI ID on `day`, as the LSE record's REP attribute says, when
 * no stretch covers that day yet: an adjacent stretch of the same REP learnt from LSE files
 * grows by the day, otherwise a one-day stretch starts. Returns the stretches to save, or none.
 */
export function learnRepOfRecord(stretches: RorStretch[], repDuns: string, day: string, around: DayNeighbours = dayNeighbours(day)): RorStretch[] {
  // One pass (a loader calls this for every record): the covering stretch, else the first stretch
  // of the same REP learnt from LSE that ends the day before, and the first that starts the day after.
  let before: RorStretch | undefined;
  let after: RorStretch | undefined;
  for (const s of stretches) {
    if (covers(s, day)) return [];
    if (s.source !== 'lse' || s.repDuns !== repDuns) continue;
    if (s.effectiveTo === around.before) before ??= s;
    else if (s.effectiveFrom === around.after) after ??= s;
  }
  if (before) {
    before.effectiveTo = day;
    return [before];
  }
  if (after) {
    after.effectiveFrom = day;
    return [after];
  }
  const created: RorStretch = { id: null, repDuns, effectiveFrom: day, effectiveTo: day, source: 'lse' };
  stretches.push(created);
  stretches.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return [created];
}

/** The days before and after a day (a loader computes them once per day, not once per record). */
export interface DayNeighbours {
  before: string;
  after: string;
}

export function dayNeighbours(day: string): DayNeighbours {
  return { before: addDays(day, -1), after: addDays(day, 1) };
}
