import type { VeeSettings } from '../vee-settings';
import { finding, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * The share of estimated (E) intervals in one record above `estimatedSharePct`. ERCOT loads E
 * like A; a REP settling on the data wants to know how much of a day the TDSP estimated.
 */
export function estimatedShare(day: VeeDay, stats: DayStats, settings: VeeSettings): VeeFinding | null {
  const { present, estimated } = stats;
  if (present === 0 || estimated === 0) return null;
  const pct = (estimated * 100) / present;
  if (pct <= settings.estimatedSharePct) return null;
  return finding('ESTIMATED_SHARE', day,
    `${estimated} of ${present} intervals are estimated (E), ${round1(pct)}%, above the ${settings.estimatedSharePct}% allowed`);
}

function round1(n: number): string {
  return String(Math.round(n * 10) / 10);
}
