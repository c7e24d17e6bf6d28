import type { FileCode, RecordCode } from './result-codes';

/**
 * Packed interval values, one int32 (little-endian) per interval: Wh (0.001 kWh) in the low 30
 * bits, ESTIMATED_FLAG set for an estimated reading, BLANK_INTERVAL for a blank one (LSE sends
 * missing intervals blank, never zero). Packing the A/E flag into the value keeps a stored day
 * one small binary column.
 */
export const BLANK_INTERVAL = -2147483648;
export const ESTIMATED_FLAG = 0x40000000;
export const MAX_WH = 0x3fffffff;

/** One data record of an LSE file (one ESI ID, channel and operating day), as read and checked. */
export interface LseRecord {
  /** File line of the record's 00000001 row. */
  line: number;
  esiid: string | null;
  channel: number | null;
  /** YYYY-MM-DD in Central Prevailing Time. */
  operatingDay: string | null;
  /** The 00000004 timestamp as a YYYYMMDDHHMMSS number: later versions replace earlier ones. */
  version: number | null;
  origin: string | null;
  transactionId: string | null;
  startReading: string | null;
  stopReading: string | null;
  senderDuns: string | null;
  repDuns: string | null;
  intervalCount: number;
  /** Packed intervals (see BLANK_INTERVAL). */
  values: Uint8Array;
  code: RecordCode;
  reason: string | null;
}

export interface LseFileOutcome {
  totalRecords: number;
  fileCode: FileCode | null;
  fileReason: string | null;
}

function packed(values: Uint8Array, count: number): number[] {
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  return Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
}

/** The kWh of each interval (null where blank). */
export function intervalKwh(values: Uint8Array, count: number): (number | null)[] {
  return packed(values, count).map((v) => (v === BLANK_INTERVAL ? null : (v & MAX_WH) / 1000));
}

/** One character per interval: A actual, E estimated, space blank. */
export function intervalQuality(values: Uint8Array, count: number): string {
  return packed(values, count).map((v) => (v === BLANK_INTERVAL ? ' ' : v & ESTIMATED_FLAG ? 'E' : 'A')).join('');
}
