import type { VeeSettings } from './vee-settings';
import { decodeDay, type VeeDay, type VeeFinding, type VeeHistory } from './vee-day';
import { consecutiveZeros } from './rules/consecutive-zeros.rule';
import { estimatedShare } from './rules/estimated-share.rule';
import { highLowUsage } from './rules/high-low-usage.rule';
import { inactiveUsage } from './rules/inactive-usage.rule';
import { pulseOverflow } from './rules/pulse-overflow.rule';
import { spikeCheck } from './rules/spike-check.rule';
import { sumCheck } from './rules/sum-check.rule';
import { timeChange } from './rules/time-change.rule';

/** Every interval rule over one stored record, in code order; flags only, the record is not touched. */
export function checkDay(day: VeeDay, history: VeeHistory | undefined, settings: VeeSettings): VeeFinding[] {
  const decoded = decodeDay(day);
  const found = [
    sumCheck(day, decoded, settings),
    spikeCheck(day, decoded, settings),
    consecutiveZeros(day, decoded, settings),
    highLowUsage(day, decoded, history, settings),
    inactiveUsage(day, decoded),
    pulseOverflow(day, decoded, settings),
    estimatedShare(day, decoded, settings),
    timeChange(day, decoded),
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
