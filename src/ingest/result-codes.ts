/**
 * Load result codes. F1, F2 and 00-05 are ERCOT's AMS data-loading codes; 06-10 are the
 * platform's own (ERCOT's workshop material mentions such cases without publishing codes).
 */
export const FILE_CODES = {
  F1: 'more than 50,000 data records; nothing loaded',
  F2: 'a mandatory element is missing; nothing loaded',
} as const;

export const RECORD_CODES = {
  '00': 'loaded',
  '01': 'a mandatory element is not a valid value',
  '02': 'a value has an improper format',
  '03': 'the record does not cover a full day (DST inclusive), 00:00:00 to 23:59:00',
  '04': 'future-dated: start or stop after the time of loading',
  '05': 'a more recent version of this ESI ID / channel / day is already loaded',
  '06': 'the ESI ID is malformed (expected 1 to 64 letters or digits)',
  '07': 'duplicate of an earlier record in the same file (same ESI ID, channel, day and version)',
  '08': 'this version is already loaded; nothing changed',
  '09': "the sender is not one of the uploader's DUNS or not a registered TDSP, or the ESI ID belongs to another TDSP",
  '10': 'the operating day is older than the history kept (48 months); nothing loaded for it',
} as const;

export type FileCode = keyof typeof FILE_CODES;
export type RecordCode = keyof typeof RECORD_CODES;

export const MAX_RECORDS_PER_FILE = 50_000;
