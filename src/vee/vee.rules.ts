import type { VeeSettings } from './vee-settings';
import type { DayStats, VeeDay, VeeFinding, VeeHistory } from './vee-day';
import { consecutiveZeros } from './rules/consecutive-zeros.rule';
import { estimatedShare } from './rules/estimated-share.rule';
import { highLowUsage } from './rules/high-low-usage.rule';
import { inactiveUsage } from './rules/inactive-usage.rule';
import { pulseOverflow } from './rules/pulse-overflow.rule';
import { spikeCheck } from './rules/spike-check.rule';
import { sumCheck } from './rules/sum-check.rule';
import { timeChange } from './rules/time-change.rule';

const NO_FINDINGS: readonly VeeFinding[] = Object.freeze([]);

/**
 * Every interval rule over one stored record (`stats`: dayStats of its values), in code order; flags
 * only, the record is not touched. Most records have no finding: they get the shared empty list, and
 * nothing is allocated for them.
 */
export function checkDay(day: VeeDay, stats: DayStats, history: VeeHistory | undefined, settings: VeeSettings): readonly VeeFinding[] {
  let found = withFinding(null, sumCheck(day, stats, settings));
  found = withFinding(found, spikeCheck(day, stats, settings));
  found = withFinding(found, consecutiveZeros(day, stats, settings));
  found = withFinding(found, highLowUsage(day, stats, history, settings));
  found = withFinding(found, inactiveUsage(day, stats));
  found = withFinding(found, pulseOverflow(day, stats, settings));
  found = withFinding(found, estimatedShare(day, stats, settings));
  found = withFinding(found, timeChange(day));
  return found ?? NO_FINDINGS;
}

function withFinding(found: VeeFinding[] | null, finding: VeeFinding | null): VeeFinding[] | null {
  if (finding === null) return found;
  if (found === null) return [finding];
  found.push(finding);
  return found;
}

/**
 * The same weekday in each of the `weeks` weeks before the day: the history the High/Low Usage
 * rule compares with. Weekdays keep their day type across DST (a fall-back Sunday is compared with
 * Sundays; its 100 intervals are a full day like theirs).
 */
export function historyDays(operatingDay: string, weeks: number): string[] {
  const t = Date.UTC(Number(operatingDay.slice(0, 4)), Number(operatingDay.slice(5, 7)) - 1, Number(operatingDay.slice(8, 10)));
  return Array.from({ length: weeks }, (_, i) => new Date(t - (i + 1) * 7 * 86_400_000).toISOString().slice(0, 10));
}
