import { SmtError } from '../core/errors';
import { shown } from './message-fields';

const EXPECTED = 'expected 16 hex digits, most significant byte first, e.g. 00124B0001A2B3C4';

/**
 * A HAN device's MAC address (EUI-64) as 16 upper-case hex digits. Only the bare form is taken:
 * separators would let one device be stored under several spellings and slip past the duplicate
 * check, and the TDSP contract carries the bare form.
 */
export function parseMacAddress(text: unknown): string {
  const mac = typeof text === 'string' ? text.trim().toUpperCase() : undefined;
  if (mac === undefined || !/^[0-9A-F]{16}$/.test(mac)) {
    throw new SmtError('HAN_MAC_INVALID', `macAddress is ${shown(text)}; ${EXPECTED}`, { field: 'macAddress' });
  }
  // IEEE reserves these two: all zeros means "no address" and all ones "invalid/broadcast".
  if (mac === '0000000000000000' || mac === 'FFFFFFFFFFFFFFFF') {
    throw new SmtError('HAN_MAC_INVALID', `macAddress is ${mac}, a reserved value that no device has; ${EXPECTED}`, { field: 'macAddress' });
  }
  return mac;
}
