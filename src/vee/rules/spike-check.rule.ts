import type { VeeSettings } from '../vee-settings';
import { finding, intervalLabel, kwh, type DecodedDay, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * UBP Spike Check: an interval at least `spikeFactor` times the average of the day's other
 * intervals and at least `spikeMinKwh` (small meters swing by whole multiples at tiny loads).
 * One finding per record names the highest spike and how many intervals spiked.
 */
export function spikeCheck(day: VeeDay, decoded: DecodedDay, settings: VeeSettings): VeeFinding | null {
  const present = decoded.wh.filter((v): v is number => v !== null);
  if (present.length < 2) return null;
  const minWh = settings.spikeMinKwh * 1000;
  let spikes = 0, worst = -1;
  for (let i = 0; i < decoded.wh.length; i++) {
    const v = decoded.wh[i];
    if (v === null || v < minWh) continue;
    const othersAverage = (decoded.totalWh - v) / (present.length - 1);
    if (v >= settings.spikeFactor * othersAverage) {
      spikes++;
      if (worst < 0 || v > decoded.wh[worst]!) worst = i;
    }
  }
  if (spikes === 0) return null;
  const v = decoded.wh[worst]!;
  const othersAverage = (decoded.totalWh - v) / (present.length - 1);
  return finding('SPIKE_CHECK', day,
    `the interval ending ${intervalLabel(day.operatingDay, worst, day.intervalCount)} reads ${kwh(v)} kWh, ` +
    `${othersAverage === 0 ? 'while every other interval reads 0' : `${(v / othersAverage).toFixed(1)} times the average of the day's other intervals (${kwh(othersAverage)} kWh)`}` +
    `${spikes > 1 ? `; ${spikes} intervals spike that day` : ''}`);
}
