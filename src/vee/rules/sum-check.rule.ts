import type { VeeSettings } from '../vee-settings';
import { finding, kwh, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * UBP Sum Check: the day's intervals add up to the difference of the midnight register reads of
 * 00000002. Only consumption (channel 4) carries those reads; a record without them (CenterPoint
 * sends none: empty or 0) or with a blank interval (its sum is not a full day) is not checked.
 */
export function sumCheck(day: VeeDay, stats: DayStats, settings: VeeSettings): VeeFinding | null {
  if (day.channel !== 4 || stats.blanks > 0) return null;
  const start = readingWh(day.startReading), stop = readingWh(day.stopReading);
  if (start === null || stop === null || (start === 0 && stop === 0)) return null;
  // Register reads are kWh with at most a few decimals: compared in Wh, as integers.
  const registerWh = Math.round(stop - start);
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

/**
 * A register read (kWh) in Wh, or null when there is none (blank or not a number). Plain digits with
 * at most three decimals, as meters send them, are read exactly, character by character: every
 * consumption record has two. Any other text is read as Number reads it.
 */
function readingWh(text: string | null): number | null {
  if (text === null) return null;
  const length = text.length;
  if (length === 0 || length > 15) return numberWh(text);
  let wh = 0, decimals = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      wh = wh * 10 + (c - 48);
      if (decimals >= 0 && ++decimals > 3) return numberWh(text);
    } else if (c === 46 && decimals < 0 && length > 1) {
      decimals = 0;
    } else {
      return numberWh(text);
    }
  }
  return decimals <= 0 ? wh * 1000 : decimals === 1 ? wh * 100 : decimals === 2 ? wh * 10 : wh;
}

function numberWh(text: string): number | null {
  const n = Number(text);
  // Number('') and Number('  ') are 0: only then is the text looked at again.
  if (n === 0 && text.trim() === '') return null;
  return Number.isFinite(n) ? n * 1000 : null;
}
