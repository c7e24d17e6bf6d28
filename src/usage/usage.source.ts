import type { UsageDay } from './usage-day';

/** What the report generator needs to know of one ESI ID besides its intervals. */
export interface EsiidFacts {
  tdspDuns: string | null;
  meterNumber: string | null;
  readCycle: number | null;
  /** REP-of-record stretches, inclusive days; `to` null when open-ended. */
  stretches: { repDuns: string; from: string; to: string | null }[];
}

/**
 * Reads stored usage for report generation. Implementations pick their own access path (a scan of
 * the day or look-ups by ESI ID); results are always sorted by ESI ID, then version.
 */
export interface UsageSource {
  /** Streamed: a day of 50,000 ESI IDs never has to sit in memory at once. */
  dayRows(day: string, channel: 1 | 4, esiids: ReadonlySet<string>): AsyncIterable<UsageDay>;
  facts(esiids: string[]): Promise<Map<string, EsiidFacts>>;
  close(): Promise<void>;
}
