import { addDays, cptTimestamp } from '../../core/cpt';

/** Central Standard Time is UTC-6; daylight time adds an hour (ESPI LocalTimeParameters, seconds). */
export const CENTRAL_TZ_OFFSET = -6 * 3600;
export const DST_OFFSET = 3600;

/**
 * An ESPI DstRuleType (the IEEE 2030.5 bit map): bits 0-11 seconds, 12-16 hour, 17-19 day of week
 * (1 Monday .. 7 Sunday), 20-24 day of month (0: not used), 25-27 operator (0 day of month, 1 day of
 * week on or after, 2..6 first..fifth occurrence, 7 last), 28-31 month; written as 8 hex digits.
 */
export function dstRule(rule: { month: number; operator: number; dayOfMonth: number; dayOfWeek: number; hour: number; seconds?: number }): string {
  const bits = (rule.month << 28) | (rule.operator << 25) | (rule.dayOfMonth << 20) | (rule.dayOfWeek << 17) | (rule.hour << 12) | (rule.seconds ?? 0);
  return (bits >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** US rules since 2007: daylight time from the second Sunday of March, 02:00, to the first Sunday of November, 02:00. */
export const CENTRAL_DST_START_RULE = dstRule({ month: 3, operator: 3, dayOfMonth: 0, dayOfWeek: 7, hour: 2 });
export const CENTRAL_DST_END_RULE = dstRule({ month: 11, operator: 2, dayOfMonth: 0, dayOfWeek: 7, hour: 2 });

/** Epoch seconds of 00:00 Central Prevailing Time on an operating day (midnight is never inside a DST change). */
export function dayStartEpoch(day: string): number {
  const utcMidnight = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 1000;
  for (const offset of [6, 5]) {
    const t = utcMidnight + offset * 3600;
    if (cptTimestamp(new Date(t * 1000)) === Number(`${day.replace(/-/g, '')}000000`)) return t;
  }
  throw new Error(`no Central midnight found for ${day}`);
}

/** Seconds in an operating day: 82,800 on spring-forward, 90,000 on fall-back, 86,400 otherwise. */
export function dayDuration(day: string): number {
  return dayStartEpoch(addDays(day, 1)) - dayStartEpoch(day);
}

