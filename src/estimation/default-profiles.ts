import { dayType } from './day-type';
import { fitClockToDay } from './proxy-shape';

/**
 * Default load profiles by load profile class: the last step of the estimation order, for an ESI ID
 * with no whole, all-actual day of its own within 12 months.
 *
 * PLATFORM APPROXIMATIONS, not ERCOT's load profiles: ERCOT's default profiles are models fitted
 * to weather and settlement data per weather zone and change daily. These are fixed shapes the
 * platform ships so an estimate exists at all: for each class, 24 hourly weights for weekdays and
 * for weekends (holidays use the weekend shape), scaled to a typical daily kWh for a 96-interval
 * day. Each quarter-hour of hour h gets round(daily Wh × w[h] / (4 × Σw)) Wh; the daily kWh are
 * multiples of 0.4 kWh and every weight set sums to 100 (or is flat), so no rounding happens. A
 * time-change day drops (92 intervals) or repeats (100) the profile's 01:00-02:00 / 02:00-03:00
 * hour by the clock, as proxy days do (proxy-shape.ts). docs/data-quality.md lists the shapes.
 */
export interface DefaultProfile {
  description: string;
  weekdayKwh: number;
  weekendKwh: number;
  /** 24 relative weights, hour 00 to hour 23. */
  weekdayHours: readonly number[];
  weekendHours: readonly number[];
}

const FLAT: readonly number[] = Array(24).fill(1);

export const DEFAULT_PROFILES = {
  RESLOWR: {
    description: 'residential, low winter ratio (gas heat, electric cooling)',
    weekdayKwh: 30, weekendKwh: 32,
    weekdayHours: [3, 3, 2, 2, 2, 3, 4, 5, 4, 4, 4, 4, 4, 4, 5, 5, 6, 7, 7, 6, 6, 5, 3, 2],
    weekendHours: [3, 3, 2, 2, 2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 5, 5, 3, 3],
  },
  RESHIWR: {
    description: 'residential, high winter ratio (electric heat)',
    weekdayKwh: 36, weekendKwh: 40,
    weekdayHours: [4, 4, 4, 4, 4, 5, 6, 6, 5, 4, 3, 3, 3, 3, 3, 3, 4, 5, 6, 6, 5, 4, 4, 2],
    weekendHours: [4, 4, 4, 4, 4, 4, 5, 6, 6, 5, 4, 4, 3, 3, 3, 3, 4, 5, 5, 5, 4, 4, 4, 3],
  },
  BUSLOLF: {
    description: 'business, low load factor (daytime use, little at night or on weekends)',
    weekdayKwh: 400, weekendKwh: 80,
    weekdayHours: [1, 1, 1, 1, 1, 1, 2, 5, 7, 8, 8, 8, 8, 8, 8, 8, 7, 7, 4, 2, 1, 1, 1, 1],
    weekendHours: [3, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 3, 3],
  },
  BUSMEDLF: {
    description: 'business, medium load factor',
    weekdayKwh: 800, weekendKwh: 400,
    weekdayHours: [2, 2, 2, 2, 2, 2, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 4, 4, 2, 2, 2],
    weekendHours: [3, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 3, 3],
  },
  BUSHILF: {
    description: 'business, high load factor (around the clock; flat)',
    weekdayKwh: 960, weekendKwh: 768,
    weekdayHours: FLAT,
    weekendHours: FLAT,
  },
  BUSNODEM: {
    description: 'small business without a demand meter',
    weekdayKwh: 40, weekendKwh: 16,
    weekdayHours: [2, 2, 2, 2, 2, 2, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 4, 4, 2, 2, 2],
    weekendHours: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5],
  },
} as const satisfies Record<string, DefaultProfile>;

export type LoadProfileClass = keyof typeof DEFAULT_PROFILES;

export const LOAD_PROFILE_CLASSES = Object.keys(DEFAULT_PROFILES) as LoadProfileClass[];

export function isLoadProfileClass(value: string): value is LoadProfileClass {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PROFILES, value);
}

/** The profile's 96 quarter-hours by the clock, in Wh, for a weekday or a weekend day (holiday). */
export function profileByClock(profileClass: LoadProfileClass, weekend: boolean): number[] {
  const p: DefaultProfile = DEFAULT_PROFILES[profileClass];
  const hours = weekend ? p.weekendHours : p.weekdayHours;
  const dailyWh = Math.round((weekend ? p.weekendKwh : p.weekdayKwh) * 1000);
  const sum = hours.reduce((s, w) => s + w, 0);
  return hours.flatMap((w) => Array<number>(4).fill(Math.round((dailyWh * w) / (4 * sum))));
}

/** The default-profile estimate of a day, in Wh, with the day's interval count (92, 96 or 100). */
export function defaultProfileDay(profileClass: LoadProfileClass, day: string): number[] {
  return fitClockToDay(profileByClock(profileClass, dayType(day) !== 'weekday'), day);
}
