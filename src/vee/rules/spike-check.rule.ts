import type { VeeSettings } from '../vee-settings';
import { countIntervals, finding, intervalLabel, kwh, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * UBP Spike Check: an interval at least `spikeFactor` times the average of the day's other
 * intervals and at least `spikeMinKwh` (small meters swing by whole multiples at tiny loads).
 * One finding per record names the highest spike and how many intervals spiked.
 */
export function spikeCheck(day: VeeDay, stats: DayStats, settings: VeeSettings): VeeFinding | null {
  const { present, totalWh } = stats;
  if (present < 2) return null;
  const minWh = settings.spikeMinKwh * 1000;
  const othersAverage = (v: number) => (totalWh - v) / (present - 1);
  const spikes = (v: number) => v >= minWh && v >= settings.spikeFactor * othersAverage(v);
  // The test grows with the interval's value (its own share leaves the others' average): if the
  // day's highest interval is no spike, none is, and the highest is the one to name.
  const v = stats.maxWh;
  if (!spikes(v)) return null;
  const count = countIntervals(day.values, day.intervalCount, spikes);
  const average = othersAverage(v);
  return finding('SPIKE_CHECK', day,
    `the interval ending ${intervalLabel(day.operatingDay, stats.maxIndex, day.intervalCount)} reads ${kwh(v)} kWh, ` +
    `${average === 0 ? 'while every other interval reads 0' : `${(v / average).toFixed(1)} times the average of the day's other intervals (${kwh(average)} kWh)`}` +
    `${count > 1 ? `; ${count} intervals spike that day` : ''}`);
}
