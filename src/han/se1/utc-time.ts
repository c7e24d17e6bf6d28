import { fieldError } from '../message-fields';

/** ZigBee UTCTime counts seconds from 2000-01-01T00:00:00Z, not from the Unix epoch. */
export const UTC_TIME_EPOCH_MS = Date.UTC(2000, 0, 1);
/** 0 in a start or effective time means "now"; 0xFFFFFFFF is ZCL's invalid UTCTime. */
export const UTC_TIME_NOW = 0;
const UTC_TIME_MAX = 0xfffffffe;

/**
 * A date as UTCTime; undefined (start now) becomes 0. Sub-second parts are dropped. The earliest
 * encodable second is 2000-01-01T00:00:01Z, since 0 would silently turn a date into "now".
 */
export function toUtcTime(date: Date | undefined, field = 'startTime'): number {
  if (date === undefined) return UTC_TIME_NOW;
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  const seconds = Math.floor((ms - UTC_TIME_EPOCH_MS) / 1000);
  if (!(seconds >= 1 && seconds <= UTC_TIME_MAX)) {
    const first = new Date(UTC_TIME_EPOCH_MS + 1000).toISOString();
    const last = new Date(UTC_TIME_EPOCH_MS + UTC_TIME_MAX * 1000).toISOString();
    throw fieldError(field, date, `${first} to ${last} (ZigBee UTCTime), or leave it out for now`);
  }
  return seconds;
}
