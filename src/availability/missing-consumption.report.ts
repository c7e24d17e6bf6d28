import path from 'node:path';
import { addDays } from '../core/cpt';
import { writeFileAtomic } from '../delivery/atomic-write';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { covers, type AvailabilityStore } from './availability.store';

/** ERCOT's Missing Consumption Report looks back SYSDATE − 38 days. */
export const MISSING_CONSUMPTION_DAYS = 38;
export const MISSING_CONSUMPTION_HEADER = ['TDSP_DUNS', 'ESIID', 'OPERATING_DAY', 'REP_DUNS'];

export interface MissingConsumptionRow {
  tdspDuns: string;
  esiid: string;
  operatingDay: string;
  repDuns: string;
}

export interface MissingConsumption {
  tdspDuns: string;
  /** The day the report is for; it covers the 38 operating days before it. */
  reportDay: string;
  firstDay: string;
  lastDay: string;
  rows: MissingConsumptionRow[];
}

/**
 * The Missing Consumption Report of one TDSP DUNS: every ESI ID of its territory that had a REP
 * of record on a day of the last 38 operating days and no consumption (channel 4) loaded for it.
 * Days are read one at a time, for the ESI IDs served that day only, so memory holds one day's answer.
 */
export async function missingConsumption(store: AvailabilityStore, tdspDuns: string, reportDay: string): Promise<MissingConsumption> {
  const firstDay = addDays(reportDay, -MISSING_CONSUMPTION_DAYS);
  const lastDay = addDays(reportDay, -1);
  const stretches = await store.stretchesOfTdsp([tdspDuns], firstDay, lastDay);
  const rows: MissingConsumptionRow[] = [];
  for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) {
    const served = stretches.filter((s) => covers(s, day));
    if (served.length === 0) continue;
    const loaded = await store.loadedOn(day, [...new Set(served.map((s) => s.esiid))]);
    const missing = new Map<string, string>();
    for (const s of served) if (!loaded.has(s.esiid) && !missing.has(s.esiid)) missing.set(s.esiid, s.repDuns);
    for (const esiid of [...missing.keys()].sort()) rows.push({ tdspDuns, esiid, operatingDay: day, repDuns: missing.get(esiid)! });
  }
  return { tdspDuns, reportDay, firstDay, lastDay, rows };
}

export function formatMissingConsumption(report: MissingConsumption): string {
  return csvHeader(MISSING_CONSUMPTION_HEADER) + csvChunk(report.rows.map((r) => [r.tdspDuns, `'${r.esiid}`, r.operatingDay, r.repDuns]));
}

/** <ftps>/<TDSP DUNS>/reports/MissingConsumption.<DUNS>.<yyyymmdd>.csv; a second run for the day replaces it (same question, newer answer). */
export function missingConsumptionPath(ftpsRoot: string, report: MissingConsumption): string {
  return path.join(ftpsRoot, report.tdspDuns, 'reports', `MissingConsumption.${report.tdspDuns}.${report.reportDay.replace(/-/g, '')}.csv`);
}

export async function writeMissingConsumption(ftpsRoot: string, report: MissingConsumption): Promise<string> {
  const target = missingConsumptionPath(ftpsRoot, report);
  await writeFileAtomic(target, formatMissingConsumption(report));
  return target;
}
