import { intervalsInDay } from '../core/cpt';

/**
 * A proxy day's Wh values fitted to the missing day's interval count by wall-clock time: a
 * spring-forward day (92) drops the proxy's 02:00-03:00 hour; a fall-back day (100) repeats the
 * proxy's 01:00-02:00 hour; a proxy that is itself a time-change day is read by the same clock.
 */
export function fitToDay(proxy: number[], proxyDay: string, targetDay: string): number[] {
  return fitClockToDay(toClock(proxy, intervalsInDay(proxyDay)), targetDay);
}

/** 96 values by clock quarter-hour (a proxy read by the clock, a default profile) fitted to a day's interval count. */
export function fitClockToDay(byClock: number[], targetDay: string): number[] {
  const target = intervalsInDay(targetDay);
  if (target === 96) return byClock;
  if (target === 92) return [...byClock.slice(0, 8), ...byClock.slice(12)];
  return [...byClock.slice(0, 8), ...byClock.slice(4, 8), ...byClock.slice(8)];
}

/** 96 values by clock quarter-hour: a 92-interval day's missing hour is filled from the hour before it, a 100-interval day's repeated hour is counted once. */
function toClock(values: number[], count: number): number[] {
  if (count === 96) return values.slice();
  if (count === 92) return [...values.slice(0, 8), ...values.slice(4, 8), ...values.slice(8)];
  return [...values.slice(0, 8), ...values.slice(12)];
}
