import { addDays, daysFromTo } from '../core/cpt';
import { SmtError } from '../core/errors';
import { RECORD_CODES, type RecordCode } from '../ingest/result-codes';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { covers, type AvailabilityStore, type RejectionRow, type RorStretchRow } from './availability.store';

/** A data-gap report covers at most this many days: each day is one read of the interval store. */
export const MAX_GAP_DAYS = 366;
export const DATA_GAPS_HEADER = ['ESIID', 'OPERATING_DAY', 'REP_DUNS', 'WHY', 'CODE', 'FILE', 'DETAIL'];

export interface DataGap {
  esiid: string;
  operatingDay: string;
  repDuns: string;
  /** 'rejected': the TDSP sent it and the load refused it (code, file, reason); 'never received': no record came. */
  why: 'rejected' | 'never received';
  code: string | null;
  fileName: string | null;
  detail: string;
}

/**
 * A REP's data gaps: for each day of first..last that the REP was the REP of record of an ESI ID
 * and no consumption (channel 4) is loaded, why when the platform knows: the newest refusal of a
 * record for that ESI ID and day (its result code and file), else never received.
 */
export async function dataGaps(store: AvailabilityStore, repDuns: string[], first: string, last: string): Promise<DataGap[]> {
  if (last < first) throw new SmtError('INPUT_INVALID', `--to ${last} is before --from ${first}`);
  const days = daysFromTo(first, last);
  if (days > MAX_GAP_DAYS) throw new SmtError('INPUT_INVALID', `a data-gap report covers at most ${MAX_GAP_DAYS} days; ${first} to ${last} is ${days}`);
  return gapsOf(store, await store.stretchesOfRep(repDuns, first, last), first, last);
}

/**
 * The gaps of first..last within these REP-of-record stretches (the days each covers): the caller
 * chose the stretches by who asks and bounded the range; the SOAP data-gap report passes a page of ESI IDs.
 */
export async function gapsOf(store: AvailabilityStore, stretches: RorStretchRow[], first: string, last: string): Promise<DataGap[]> {
  const missing: { esiid: string; operatingDay: string; repDuns: string }[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const served = stretches.filter((s) => covers(s, day));
    if (served.length === 0) continue;
    const loaded = await store.loadedOn(day, [...new Set(served.map((s) => s.esiid))]);
    const seen = new Set<string>();
    for (const s of served) {
      if (loaded.has(s.esiid) || seen.has(s.esiid)) continue;
      seen.add(s.esiid);
      missing.push({ esiid: s.esiid, operatingDay: day, repDuns: s.repDuns });
    }
  }
  const newest = new Map<string, RejectionRow>();
  for (const r of await store.rejections([...new Set(missing.map((m) => m.esiid))], first, last)) newest.set(`${r.esiid}|${r.operatingDay}`, r);
  return missing
    .sort((a, b) => a.esiid.localeCompare(b.esiid) || a.operatingDay.localeCompare(b.operatingDay))
    .map((m) => {
      const r = newest.get(`${m.esiid}|${m.operatingDay}`);
      return r
        ? { ...m, why: 'rejected' as const, code: r.code, fileName: r.fileName, detail: `${RECORD_CODES[r.code as RecordCode] ?? r.code}: ${r.reason}` }
        : { ...m, why: 'never received' as const, code: null, fileName: null, detail: 'no record for this ESI ID and day has reached the platform' };
    });
}

export function formatDataGaps(gaps: DataGap[]): string {
  return csvHeader(DATA_GAPS_HEADER) + csvChunk(gaps.map((g) => [`'${g.esiid}`, g.operatingDay, g.repDuns, g.why, g.code ?? '', g.fileName ?? '', g.detail]));
}
