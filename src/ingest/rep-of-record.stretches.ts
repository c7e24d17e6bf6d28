import { addDays } from '../core/cpt';
import { covers } from '../registry/rep-stretch.rules';
import type { RorStretch } from './ingest.store';

/**
 * Records that `repDuns` served the ESI ID on `day`, as the LSE record's REP attribute says, when
 * no stretch covers that day yet: an adjacent stretch of the same REP learnt from LSE files
 * grows by the day, otherwise a one-day stretch starts. Returns the stretches to save, or none.
 */
export function learnRepOfRecord(stretches: RorStretch[], repDuns: string, day: string): RorStretch[] {
  if (stretches.some((s) => covers(s, day))) return [];
  const before = stretches.find((s) => s.source === 'lse' && s.repDuns === repDuns && s.effectiveTo === addDays(day, -1));
  const after = stretches.find((s) => s.source === 'lse' && s.repDuns === repDuns && s.effectiveFrom === addDays(day, 1));
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
