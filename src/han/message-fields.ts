import { isValidDate } from '../core/cpt';
import { SmtError } from '../core/errors';

/**
 * Checked values for HAN message fields. The `read…`/`optional…` functions take a SOAP wire value
 * (node-soap hands every simple value as a string, an empty element as null and an absent one as
 * undefined); the `check…` functions take a domain value the caller already holds. Both throw
 * HAN_FIELD_INVALID with one message shape — "<field> is <what came>; allowed <what may come>" —
 * because the message reaches the REP in a SOAP fault and must say what to change.
 */

/** Longest rendering of a received value: messages reach logs, and a caller may send megabytes. */
const MAX_SHOWN = 40;

/** The received value as a message shows it: quoted, escaped and shortened to ≤ 40 characters. */
export function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return clip(String(value));
  if (typeof value === 'string') return quoted(value);
  return Array.isArray(value) ? 'a list' : `a value of type ${typeof value}`;
}

export function fieldError(field: string, value: unknown, allowed: string): SmtError {
  return new SmtError('HAN_FIELD_INVALID', `${field} is ${shown(value)}; allowed ${allowed}`, { field });
}

/** A domain integer within [min, max]; `note` explains the values (e.g. what each criticality means). */
export function checkInteger(value: number, field: string, min: number, max: number, note?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw fieldError(field, value, `whole numbers ${range(min, max, 1, note)}`);
  if (value < min || value > max) throw fieldError(field, value, range(min, max, 1, note));
  return value;
}

/**
 * A domain decimal within [min, max] that is a multiple of `step`. Compared on the scaled value
 * with a tolerance, because 0.3 * 10 is 3.0000000000000004 in binary floating point.
 */
export function checkDecimal(value: number, field: string, min: number, max: number, step: number, note?: string): number {
  const allowed = range(min, max, step, note);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fieldError(field, value, allowed);
  const scale = 10 ** decimalPlaces(step);
  const scaled = value * scale;
  const whole = Math.round(scaled);
  if (Math.abs(scaled - whole) > 1e-6 || whole % Math.round(step * scale) !== 0) throw fieldError(field, value, allowed);
  if (whole < Math.round(min * scale) || whole > Math.round(max * scale)) throw fieldError(field, value, allowed);
  return whole / scale;
}

/** A domain flag; absent means off, the wire default of every SE 1.0 control bit. */
export function checkFlag(value: boolean | undefined, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw fieldError(field, value, 'true or false');
  return value;
}

export function readInteger(value: unknown, field: string, min: number, max: number, note?: string): number {
  if (typeof value === 'number') return checkInteger(value, field, min, max, note);
  const text = typeof value === 'string' ? value.trim() : undefined;
  // Digits only: Number() would also take '0x1F', '1e3' and '' (as 0), none of which is an xs:int.
  if (text === undefined || !/^[+-]?\d+$/.test(text)) throw fieldError(field, value, `whole numbers ${range(min, max, 1, note)}`);
  const number = Number(text) + 0; // + 0 turns '-0' into 0
  if (number < min || number > max) throw fieldError(field, number, range(min, max, 1, note));
  return number;
}

export function optionalInteger(value: unknown, field: string, min: number, max: number, note?: string): number | undefined {
  return isAbsent(value) ? undefined : readInteger(value, field, min, max, note);
}

/**
 * An xs:decimal that must be a multiple of `step`. The text is scaled by exact digit arithmetic,
 * never through a binary fraction, so '0.3' is 3 tenths and '0.35' is refused for step 0.1.
 */
export function readDecimal(value: unknown, field: string, min: number, max: number, step: number, note?: string): number {
  if (typeof value === 'number') return checkDecimal(value, field, min, max, step, note);
  const allowed = range(min, max, step, note);
  const text = typeof value === 'string' ? value.trim() : '';
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw fieldError(field, value, allowed);
  const places = decimalPlaces(step);
  const fraction = m[3] ?? '';
  // Shown as the number it reads as, like readInteger does; a text too long for that stays text.
  const received = Number.isFinite(Number(text)) ? Number(text) + 0 : value;
  if (/[1-9]/.test(fraction.slice(places))) throw fieldError(field, received, allowed);
  const scale = 10 ** places;
  const magnitude = Number(m[2] || '0') * scale + Number(fraction.slice(0, places).padEnd(places, '0') || '0');
  const scaled = (m[1] === '-' ? -magnitude : magnitude) + 0;
  // Range first: a huge text scales to Infinity or past 2^53, where % would say nothing useful.
  if (scaled < Math.round(min * scale) || scaled > Math.round(max * scale)) throw fieldError(field, received, allowed);
  if (scaled % Math.round(step * scale) !== 0) throw fieldError(field, received, allowed);
  return scaled / scale;
}

export function optionalDecimal(value: unknown, field: string, min: number, max: number, step: number, note?: string): number | undefined {
  return isAbsent(value) ? undefined : readDecimal(value, field, min, max, step, note);
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw fieldError(field, value, 'true, false, 1 or 0');
}

/** A domain value that must be exactly one of `allowed` (no trimming: the caller holds typed values). */
export function checkEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const match = allowed.find((a) => a === value);
  if (match === undefined) throw fieldError(field, value, listed(allowed));
  return match;
}

export function readEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  return checkEnum(typeof value === 'string' ? value.trim() : value, field, allowed);
}

export function optionalEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
  return isAbsent(value) ? undefined : readEnum(value, field, allowed);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;
const DATE_TIME_ALLOWED = 'an xs:dateTime with a time zone, e.g. 2026-11-27T14:00:00Z or 2026-11-27T08:00:00-06:00';

/**
 * An xs:dateTime with a zone. A time without one is refused rather than guessed: the REP may mean
 * Central Prevailing Time or UTC, and a device would act an hour or six away from the intent.
 */
export function optionalDateTime(value: unknown, field: string): Date | undefined {
  if (isAbsent(value)) return undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  const m = typeof value === 'string' ? DATE_TIME.exec(value.trim()) : null;
  if (!m) throw fieldError(field, value, DATE_TIME_ALLOWED);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (m[8] === undefined) {
    throw new SmtError('HAN_FIELD_INVALID', `${field} is ${shown(value)}, a time without a time zone; add Z (UTC) or an offset such as -06:00`, { field });
  }
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59 || Math.abs(offsetMinutes) > 14 * 60) {
    throw fieldError(field, value, `${DATE_TIME_ALLOWED} (a real date and time; the offset at most ±14:00)`);
  }
  const millis = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // Date.UTC maps years 0-99 to 1900-1999
  utc.setUTCHours(hour, minute, second, millis);
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}

/**
 * Refuses a start further in the past than the grace: an event that began long ago would reach the
 * device already half over, which the REP did not ask for. A small grace absorbs clock skew and
 * the time the request spent in transit. Undefined (start now) passes through.
 */
export function checkStartTime(start: Date | undefined, now: Date, graceSeconds: number, field = 'startTime'): Date | undefined {
  if (start === undefined) return undefined;
  const pastSeconds = Math.floor((now.getTime() - start.getTime()) / 1000);
  if (pastSeconds > graceSeconds) {
    throw new SmtError(
      'HAN_FIELD_INVALID',
      `${field} is ${shown(start)}, ${duration(pastSeconds)} in the past; allowed at most ${duration(graceSeconds)} in the past: give a later time or leave it out to start now`,
      { field },
    );
  }
  return start;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function range(min: number, max: number, step: number, note: string | undefined): string {
  return `${min} to ${max}${step === 1 ? '' : ` in steps of ${step}`}${note ? ` (${note})` : ''}`;
}

function listed(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function decimalPlaces(step: number): number {
  const text = String(step);
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
}

/** Readable and exact near the grace, so "301 s" never shows as the same "5 min" as the limit. */
function duration(seconds: number): string {
  const two = (big: number, bigUnit: string, small: number, smallUnit: string): string =>
    `${big} ${bigUnit}${small === 0 ? '' : ` ${small} ${smallUnit}`}`;
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return two(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  if (seconds < 172_800) return two(Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'min');
  return `${Math.floor(seconds / 86_400)} days`;
}

function clip(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}

/** JSON-quoted so control characters cannot forge log lines; cut on a code point, never mid-pair. */
function quoted(text: string): string {
  const whole = JSON.stringify(text);
  if (whole.length <= MAX_SHOWN) return whole;
  let body = '';
  for (const ch of text) {
    const piece = JSON.stringify(ch).slice(1, -1);
    if (body.length + piece.length + 3 > MAX_SHOWN) return `"${body}…"`;
    body += piece;
  }
  return whole; // not reached: the whole text was longer than the limit
}
