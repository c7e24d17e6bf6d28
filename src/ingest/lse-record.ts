import type { FileCode, RecordCode } from './result-codes';

/** Marks a blank interval in the packed values: LSE sends missing intervals blank, never zero. */
export const BLANK_INTERVAL = -2147483648;

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
  /** int32 little-endian per interval, in Wh (0.001 kWh); BLANK_INTERVAL where blank. */
  values: Uint8Array;
  /** One character per interval: A actual, E estimated, space blank. */
  quality: string;
  code: RecordCode;
  reason: string | null;
}

export interface LseFileOutcome {
  totalRecords: number;
  fileCode: FileCode | null;
  fileReason: string | null;
}

/** Reads the interval values of a stored or parsed record back as kWh (null where blank). */
export function intervalKwh(values: Uint8Array, count: number): (number | null)[] {
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  const out: (number | null)[] = [];
  for (let i = 0; i < count; i++) {
    const wh = view.getInt32(i * 4, true);
    out.push(wh === BLANK_INTERVAL ? null : wh / 1000);
  }
  return out;
}
