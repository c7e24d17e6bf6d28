import type { VeeSettings } from '../vee-settings';
import { finding, intervalLabel, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * AMS Consecutive Zeros (UBP Zero Consumption for Active Meters): a meter with a REP of record
 * that reads zero for `zeroSpanHours` in a row. Consumption only: generation is zero every night.
 * Blank intervals break a run (they are missing, not zero).
 */
export function consecutiveZeros(day: VeeDay, stats: DayStats, settings: VeeSettings): VeeFinding | null {
  if (day.channel !== 4 || !day.hasRepOfRecord) return null;
  // A whole day of zeros is flagged even when the day (spring forward: 23 hours) is shorter than the span.
  const span = Math.min(Math.round(settings.zeroSpanHours * 4), day.intervalCount);
  const { zeroRun: longest, zeroRunStart: longestStart } = stats;
  if (longest < span) return null;
  const whole = longest === day.intervalCount;
  const from = longestStart === 0 ? '00:00' : intervalLabel(day.operatingDay, longestStart - 1, day.intervalCount);
  return finding('CONSECUTIVE_ZEROS', day,
    `${whole ? 'every interval of the day reads 0' : `${longest} intervals in a row read 0 (${from} to ${intervalLabel(day.operatingDay, longestStart + longest - 1, day.intervalCount)})`}` +
    ` although the ESI ID has a REP of record (the rule flags ${span} or more, ${settings.zeroSpanHours} h)`);
}
