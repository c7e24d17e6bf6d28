import { SmtError } from '../core/errors';

/**
 * ZigBee install codes: a 6, 8, 12 or 16-byte secret followed by its CRC-16/X-25, low byte first.
 * The meter derives the device's link key from code+CRC, so an install code is a secret: no
 * message here ever repeats it, not even in part (the CRC is not secret and may be shown).
 */
export interface InstallCode {
  /** Code followed by its CRC, upper-case hex. */
  hex: string;
  /** Length of the code alone, without the 2-byte CRC. */
  codeBytes: 6 | 8 | 12 | 16;
}

const CODE_BYTES = [6, 8, 12, 16] as const;
const ALLOWED = 'allowed 16, 20, 28 or 36 hex digits: a 6, 8, 12 or 16-byte code followed by its 2-byte CRC, low byte first';
const CODE_ALONE = 'allowed 12, 16, 24 or 32 hex digits: a 6, 8, 12 or 16-byte code without its CRC';

/** CRC-16/X-25 (poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF); check("123456789") = 0x906E. */
export function crc16X25(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return (crc ^ 0xffff) & 0xffff;
}

/** Code+CRC as the device label prints it; the CRC must match, so a typo is caught here, not at the meter. */
export function parseInstallCode(text: unknown): InstallCode {
  const hex = checkHex(text, 'installCode', ALLOWED);
  const codeBytes = CODE_BYTES.find((n) => hex.length === (n + 2) * 2);
  if (codeBytes === undefined) throw invalid(`installCode has ${hex.length} hex digits; ${ALLOWED}`);
  const code = hex.slice(0, codeBytes * 2);
  const written = hex.slice(codeBytes * 2);
  const expected = crcDigits(code);
  if (written !== expected) {
    throw invalid(
      `installCode has a wrong CRC: the CRC is ${written} but CRC-16/X-25 of the code gives ${expected} (as the last 4 digits, low byte first); check the code for a typo`,
    );
  }
  return { hex, codeBytes };
}

/** Code alone → code+CRC; how tests, the demo and the benchmark make valid codes. */
export function appendInstallCodeCrc(codeHex: string): string {
  const code = checkHex(codeHex, 'code', CODE_ALONE);
  if (!CODE_BYTES.some((n) => code.length === n * 2)) throw invalid(`code has ${code.length} hex digits; ${CODE_ALONE}`);
  return code + crcDigits(code);
}

/** For logs and screens: only the last 4 digits (the CRC) stay visible, e.g. ************2B70. */
export function maskInstallCode(hex: string): string {
  return '*'.repeat(Math.max(0, hex.length - 4)) + hex.slice(-4).toUpperCase();
}

/** Trimmed, upper-cased hex with an even number of digits; refusals describe the text, never echo it. */
function checkHex(text: unknown, field: string, allowed: string): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalid(`${field} is ${text === undefined ? 'missing' : typeof text === 'string' || text === null ? 'empty' : 'not text'}; ${allowed}`);
  }
  const hex = text.trim().toUpperCase();
  const bad = hex.search(/[^0-9A-F]/);
  if (bad >= 0) throw invalid(`${field} has a character that is not a hex digit at position ${bad + 1}; ${allowed}`);
  if (hex.length % 2 !== 0) throw invalid(`${field} has ${hex.length} hex digits, an odd number (2 digits a byte); ${allowed}`);
  return hex;
}

function crcDigits(codeHex: string): string {
  const crc = crc16X25(Buffer.from(codeHex, 'hex'));
  const bytes = Buffer.of(crc & 0xff, crc >>> 8); // low byte first, as the device label prints it
  return bytes.toString('hex').toUpperCase();
}

function invalid(message: string): SmtError {
  return new SmtError('HAN_INSTALL_CODE_INVALID', message, { field: 'installCode' });
}
