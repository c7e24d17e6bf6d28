import { intervalsInDay } from '../core/cpt';
import { BLANK_INTERVAL, ESTIMATED_FLAG, MAX_WH } from '../ingest/lse-record';

/** One stored day of one ESI ID and channel, as the report builders read it. */
export interface UsageDay {
  esiid: string;
  /** YYYY-MM-DD */
  operatingDay: string;
  channel: 1 | 4;
  /** YYYYMMDDHHMMSS */
  version: number;
  intervalCount: number;
  /** Packed, see lse-record.ts. */
  values: Uint8Array;
  startReading: string | null;
  stopReading: string | null;
  meterNumber: string | null;
  /** The ingest file that loaded this version (daily postings send revisions by it). */
  fileId?: number;
}

export type ReportType = 'INTERVAL' | 'DAILY' | 'MONTHLY';

/**
 * The packed int32 of one stored interval; BLANK_INTERVAL past the stored count. Read byte by byte
 * because report builders call this for millions of intervals and a DataView per call adds up.
 */
export function packedInterval(day: UsageDay, index: number): number {
  if (index < 0 || index >= day.intervalCount) return BLANK_INTERVAL;
  const v = day.values;
  const at = index * 4;
  return v[at] | (v[at + 1] << 8) | (v[at + 2] << 16) | (v[at + 3] << 24);
}

/** Wh of a non-blank packed value. */
export function packedWh(packed: number): number {
  return packed & MAX_WH;
}

export function isEstimated(packed: number): boolean {
  return packed !== BLANK_INTERVAL && (packed & ESTIMATED_FLAG) !== 0;
}

export interface DayTotals {
  actualWh: number;
  estimatedWh: number;
  anyEstimated: boolean;
  /** A blank interval, or fewer stored intervals than the day has: the total is not a full reading. */
  anyBlank: boolean;
}

/** Integer Wh sums of a day, so printed kWh never carries float artefacts. */
export function dayTotals(day: UsageDay): DayTotals {
  const totals: DayTotals = { actualWh: 0, estimatedWh: 0, anyEstimated: false, anyBlank: false };
  for (let i = 0; i < day.intervalCount; i++) {
    const packed = packedInterval(day, i);
    if (packed === BLANK_INTERVAL) {
      totals.anyBlank = true;
    } else if (isEstimated(packed)) {
      totals.estimatedWh += packedWh(packed);
      totals.anyEstimated = true;
    } else {
      totals.actualWh += packedWh(packed);
    }
  }
  if (day.intervalCount < intervalsInDay(day.operatingDay)) totals.anyBlank = true;
  return totals;
}
