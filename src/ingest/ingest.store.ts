import type { RepOfRecordSource } from '../db/entities/rep-of-record.entity';
import type { LseRecord } from './lse-record';
import type { FileLoadSummary } from './ingest-result';

export interface IntervalKey {
  operatingDay: string;
  channel: number;
  esiid: string;
}

/** Keys grouped by `day|channel` (a file holds few of each): each group is read by the interval store's key at once. */
export function keysByDayChannel(keys: IntervalKey[]): Map<string, { day: string; channel: number; esiids: string[] }> {
  const groups = new Map<string, { day: string; channel: number; esiids: string[] }>();
  for (const k of keys) {
    const g = k.operatingDay + '|' + k.channel;
    const group = groups.get(g);
    if (group) group.esiids.push(k.esiid);
    else groups.set(g, { day: k.operatingDay, channel: k.channel, esiids: [k.esiid] });
  }
  return groups;
}

export interface DayChannel {
  day: string;
  channel: number;
}

export interface RorStretch {
  id: number | null;
  repDuns: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  source: RepOfRecordSource;
}

export interface StretchBounds {
  effectiveFrom?: string;
  effectiveTo?: string | null;
}

/**
 * What the loader needs from the database while one file loads. Everything a file writes happens
 * in one transaction, so a crash or a file-level rejection leaves no trace of the file's records.
 * Dialect-specific SQL lives in the implementations (SQLite fast path; TypeORM for servers).
 */
export interface IngestTransaction {
  /**
   * The days and channels a file's loadable records hold, told before its first batch. A store that
   * asks once per day and channel whether anything is stored asks for them all here, before the file
   * writes a row: a server then answers from committed rows alone (an uncommitted row in the index
   * costs such a question a visit to the table).
   */
  foreseeDays?(pairs: DayChannel[]): Promise<void>;
  /** The newest stored version of each key, or null. */
  latestVersions(keys: IntervalKey[]): Promise<(number | null)[]>;
  /** The TDSP DUNS of each registered ESI ID among those asked. */
  esiidTdsps(esiids: string[]): Promise<Map<string, string>>;
  registerEsiids(rows: { esiid: string; tdspDuns: string }[]): Promise<void>;
  repsOfRecord(esiids: string[]): Promise<Map<string, RorStretch[]>>;
  /** Stores REP-of-record stretches learnt from LSE files, and sets their ids. */
  addLseStretches(rows: { esiid: string; stretch: RorStretch }[]): Promise<void>;
  /** Moves the bounds of many stored stretches at once: those given are set, the others kept. */
  moveStretches(ids: number[], bounds: StretchBounds): Promise<void>;
  insertIntervals(records: LseRecord[], fileId: number): Promise<void>;
  finishFile(fileId: number, summary: FileLoadSummary): Promise<void>;
}

export interface IngestStore {
  /** Records that a file's load began (committed at once, so a crash shows as interrupted). */
  startFile(fileName: string, startedAt: string): Promise<number>;
  /** Marks loads a crashed process left open; returns how many. */
  markInterrupted(): Promise<number>;
  /** Every DUNS of a registered TDSP. */
  tdspDuns(): Promise<Set<string>>;
  inTransaction<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T>;
  /** Marks a file whose load failed as a whole outside a transaction (unreadable input). */
  failFile(fileId: number, summary: FileLoadSummary): Promise<void>;
  close(): Promise<void>;
}
