import type { VeeSettings } from '../vee-settings';
import { finding, kwh, type DayStats, type VeeDay, type VeeFinding, type VeeHistory } from '../vee-day';

/**
 * UBP High/Low Usage: the day's consumption against the average of the same weekday in the
 * previous `historyWeeks` weeks ("Tuesday is Tuesday"), when at least `historyMinDays` of them
 * are stored whole. Above `highUsageFactor` times or below `lowUsageFactor` times the average is
 * flagged. A day with blank intervals is not a full day's usage and is not compared.
 */
export function highLowUsage(day: VeeDay, stats: DayStats, history: VeeHistory | undefined, settings: VeeSettings): VeeFinding | null {
  if (day.channel !== 4 || stats.blanks > 0 || !history || history.wholeDays < settings.historyMinDays) return null;
  const averageWh = history.totalWh / history.wholeDays;
  if (averageWh < settings.historyMinKwh * 1000) return null;
  const ratio = stats.totalWh / averageWh;
  const high = ratio > settings.highUsageFactor;
  if (!high && ratio >= settings.lowUsageFactor) return null;
  const days = history.days().sort().join(', ');
  return finding('HIGH_LOW_USAGE', day,
    `${kwh(stats.totalWh)} kWh is ${high ? 'more than' : 'less than'} ${high ? settings.highUsageFactor : settings.lowUsageFactor} times ` +
    `the ${kwh(averageWh)} kWh average of the same weekday (${days})`);
}
