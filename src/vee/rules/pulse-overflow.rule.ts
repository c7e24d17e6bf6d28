import type { VeeSettings } from '../vee-settings';
import { countIntervals, finding, intervalLabel, kwh, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/** UBP Pulse Overflow: an interval above what the meter can register in 15 minutes (`maxIntervalKwh`). */
export function pulseOverflow(day: VeeDay, stats: DayStats, settings: VeeSettings): VeeFinding | null {
  const maxWh = Math.round(settings.maxIntervalKwh * 1000);
  if (stats.maxWh <= maxWh) return null;
  const over = countIntervals(day.values, day.intervalCount, (wh) => wh > maxWh);
  return finding('PULSE_OVERFLOW', day,
    `the interval ending ${intervalLabel(day.operatingDay, stats.maxIndex, day.intervalCount)} reads ${kwh(stats.maxWh)} kWh, ` +
    `more than a meter can register in 15 minutes (${kwh(maxWh)} kWh)${over > 1 ? `; ${over} intervals are over that day` : ''}`);
}
