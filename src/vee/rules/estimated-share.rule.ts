import type { VeeSettings } from '../vee-settings';
import { finding, type DecodedDay, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * The share of estimated (E) intervals in one record above `estimatedSharePct`. ERCOT loads E
 * like A; a REP settling on the data wants to know how much of a day the TDSP estimated.
 */
export function estimatedShare(day: VeeDay, decoded: DecodedDay, settings: VeeSettings): VeeFinding | null {
  const present = decoded.wh.length - decoded.blanks;
  if (present === 0 || decoded.estimatedCount === 0) return null;
  const pct = (decoded.estimatedCount * 100) / present;
  if (pct <= settings.estimatedSharePct) return null;
  return finding('ESTIMATED_SHARE', day,
    `${decoded.estimatedCount} of ${present} intervals are estimated (E), ${round1(pct)}%, above the ${settings.estimatedSharePct}% allowed`);
}

function round1(n: number): string {
  return String(Math.round(n * 10) / 10);
}
