import { isDay } from '../core/cpt';

export { isDay };

export const PARTICIPANT_KINDS = ['REP', 'TDSP'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const MAX_PARTICIPANT_NAME = 100;
/** Meter number and meter version columns are varchar(40). */
export const MAX_METER_TEXT = 40;
export const MIN_READ_CYCLE = 1;
export const MAX_READ_CYCLE = 21;

export const PGP_PUBLIC_KEY_HEADER = '-----BEGIN PGP PUBLIC KEY BLOCK-----';

/** 9 digits, or 13 (the 9-digit DUNS plus a 4-digit suffix a participant uses for a separate business). */
export function isDuns(value: string): boolean {
  return /^(\d{9}|\d{13})$/.test(value);
}

/** What a DUNS must look like, for messages. */
export const DUNS_EXPECTED = 'a DUNS number of 9 digits, or 13 digits (9 + a 4-digit suffix)';

/**
 * Any alphanumeric id up to the column width: real ESI IDs are 16-22 digits, but test systems and
 * some TDSPs use shorter or lettered ids, so only the shape the database can hold is enforced.
 */
export function isEsiid(value: string): boolean {
  return /^[A-Za-z0-9]{1,64}$/.test(value);
}

export const ESIID_EXPECTED = '1-64 letters or digits (real ESI IDs are 16-22 digits)';

export function isParticipantKind(value: string): value is ParticipantKind {
  return (PARTICIPANT_KINDS as readonly string[]).includes(value);
}

export function isReadCycle(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_READ_CYCLE && value <= MAX_READ_CYCLE;
}

/**
 * Explains why a DUNS is malformed. Spreadsheets drop leading zeros and print long numbers in
 * exponent form, which are the usual causes, so the hint names them.
 */
export function dunsProblem(value: string): string {
  const hint = /^\d{1,8}$|^\d{10,12}$/.test(value) ? ' (a spreadsheet may have dropped leading zeros)'
    : /[eE]\+/.test(value) ? ' (a spreadsheet turned it into a number; format the column as text)' : '';
  return `"${value}" is not ${DUNS_EXPECTED}${hint}`;
}

export function esiidProblem(value: string): string {
  const hint = /[eE]\+/.test(value) ? ' (a spreadsheet turned it into a number; format the column as text)' : '';
  return `"${value}" is not an ESI ID: expected ${ESIID_EXPECTED}${hint}`;
}

/** Public key blocks only: a private key pasted by mistake must never be stored. */
export function pgpPublicKeyProblem(text: string): string | null {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith(PGP_PUBLIC_KEY_HEADER)) return null;
  if (start.startsWith('-----BEGIN PGP PRIVATE KEY BLOCK-----')) {
    return 'holds a PGP PRIVATE key; register only the public key (export it with `gpg --armor --export KEY-ID`)';
  }
  return `is not an ASCII-armored OpenPGP public key: it must start with "${PGP_PUBLIC_KEY_HEADER}" (export one with \`gpg --armor --export KEY-ID\`)`;
}
