import type { VeeSettings } from '../vee-settings';
import { finding, kwh, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * UBP Sum Check: the day's intervals add up to the difference of the midnight register reads of
 * 00000002. Only consumption (channel 4) carries those reads; a record without them (CenterPoint
 * sends none: empty or 0) or with a blank interval (its sum is not a full day) is not checked.
 */
export function sumCheck(day: VeeDay, stats: DayStats, settings: VeeSettings): VeeFinding | null {
  if (day.channel !== 4 || stats.blanks > 0) return null;
  const start = reading(day.startReading), stop = reading(day.stopReading);
  if (start === null || stop === null || (start === 0 && stop === 0)) return null;
  // Register reads are kWh with at most a few decimals: compare in Wh to keep integers.
  const registerWh = Math.round((stop - start) * 1000);
  if (registerWh < 0) {
    return finding('SUM_CHECK', day, `the stop register read ${day.stopReading} is below the start read ${day.startReading} (a meter reset, rollover or exchange?); the intervals add up to ${kwh(stats.totalWh)} kWh`);
  }
  const toleranceWh = Math.max(settings.sumToleranceKwh * 1000, (registerWh * settings.sumTolerancePct) / 100);
  const differenceWh = Math.abs(stats.totalWh - registerWh);
  if (differenceWh <= toleranceWh) return null;
  return finding('SUM_CHECK', day,
    `the intervals add up to ${kwh(stats.totalWh)} kWh but the register went from ${day.startReading} to ${day.stopReading} (${kwh(registerWh)} kWh): ` +
    `${kwh(differenceWh)} kWh apart, more than the ${kwh(toleranceWh)} kWh allowed`);
}

function reading(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  // Number('') and Number('  ') are 0: only then is the text looked at again.
  if (n === 0 && text.trim() === '') return null;
  return Number.isFinite(n) ? n : null;
}
