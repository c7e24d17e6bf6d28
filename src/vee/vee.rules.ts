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

/** Every interval rule over one stored record (`stats`: dayStats of its values), in code order; flags only, the record is not touched. */
export function checkDay(day: VeeDay, stats: DayStats, history: VeeHistory | undefined, settings: VeeSettings): VeeFinding[] {
  const found = [
    sumCheck(day, stats, settings),
    spikeCheck(day, stats, settings),
    consecutiveZeros(day, stats, settings),
    highLowUsage(day, stats, history, settings),
    inactiveUsage(day, stats),
    pulseOverflow(day, stats, settings),
    estimatedShare(day, stats, settings),
    timeChange(day),
  ];
  return found.filter((f): f is VeeFinding => f !== null);
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
