import type { StoredRecord } from './vee.store';

export interface RegistryFacts {
  tdsp: Map<string, string>;
  stretches: Map<string, { repDuns: string; from: string; to: string | null }[]>;
}

/**
 * The reads a VEE check makes after each file: the versions its records replaced and registry
 * facts (history is read from the weekday totals, weekday-totals.ts). VeeStore answers them on any database; the embedded
 * database has a faster adapter (sqlite-vee.reads.ts).
 */
export interface VeeReads {
  /** For each record, the version it replaced: the newest stored version below its own. */
  replacedVersions(records: StoredRecord[]): Promise<Map<StoredRecord, StoredRecord>>;
  /** Each ESI ID's TDSP and its REP-of-record stretches. */
  registryFacts(esiids: string[]): Promise<RegistryFacts>;
}
