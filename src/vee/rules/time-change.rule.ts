import { dayKind, intervalsInDay } from '../../core/cpt';
import { finding, isBlank, type VeeDay, type VeeFinding } from '../vee-day';

/** Intervals of fall-back day's second 01:00-02:00 (01:15* to 02:00*), 0-based. */
const REPEATED_HOUR = [8, 9, 10, 11];

/**
 * AMS Time Change: in Central Prevailing Time the spring-forward day has 92 intervals and the
 * fall-back day 100. ERCOT's validation already refuses a record of the wrong length (03), so a
 * stored record is checked for the subtler mistake: a fall-back day whose repeated hour is blank
 * (a meter or head end that did not repeat the hour). Records refused with 03 on a time-change day
 * become findings too (timeChangeRejection), so the TDSP sees its DST problem as one.
 */
export function timeChange(day: VeeDay): VeeFinding | null {
  const expected = intervalsInDay(day.operatingDay);
  const kind = dayKind(day.operatingDay);
  if (day.intervalCount !== expected) {
    return finding('TIME_CHANGE', day, `${describe(day.operatingDay, kind)} has ${expected} intervals in Central Prevailing Time; the record has ${day.intervalCount}`);
  }
  if (kind === 'fall-back' && REPEATED_HOUR.every((i) => isBlank(day.values, i))) {
    return finding('TIME_CHANGE', day, `${describe(day.operatingDay, kind)}: the repeated hour (01:15* to 02:00*, after clocks fall back) is blank`);
  }
  return null;
}

export interface RejectedRecordFacts {
  esiid: string | null;
  channel: number | null;
  operatingDay: string | null;
  code: string;
  reason: string;
}

export function timeChangeRejection(r: RejectedRecordFacts): VeeFinding | null {
  if (r.code !== '03' || r.esiid === null || r.channel === null || r.operatingDay === null) return null;
  const kind = dayKind(r.operatingDay);
  if (kind === 'normal') return null;
  const count = /has (\d+) intervals/.exec(r.reason)?.[1];
  const got = count === undefined ? 'the record did not match' : `the record had ${count}`;
  return finding('TIME_CHANGE', { esiid: r.esiid, channel: r.channel, operatingDay: r.operatingDay, version: null },
    `${describe(r.operatingDay, kind)} has ${intervalsInDay(r.operatingDay)} intervals in Central Prevailing Time; ${got} and was not loaded (result code 03)`);
}

function describe(day: string, kind: ReturnType<typeof dayKind>): string {
  return kind === 'spring-forward' ? `${day} (spring forward, 02:00-03:00 skipped)`
    : kind === 'fall-back' ? `${day} (fall back, 01:00-02:00 repeated)` : day;
}
