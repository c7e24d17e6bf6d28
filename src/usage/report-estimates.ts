import { cptTimestamp } from '../core/cpt';
import { ESTIMATED_FLAG, MAX_WH } from '../ingest/lse-record';
import { csvChunk } from './report-csv';
import { dailyRow } from './daily-report.builder';
import { intervalCsv, intervalRows } from './interval-report.builder';
import type { ReportType, UsageDay } from './usage-day';

/**
 * Platform estimates in reports (docs/data-quality.md). A request that asks for them gets two more
 * columns on every row: PLATFORM_ESTIMATE (N: TDSP data; Y: the platform's estimate of a day no
 * TDSP data was loaded for) and ESTIMATE_SOURCE (how it was made: SAME_DAY or LIKE_DAY and the
 * proxy day, or DEFAULT_PROFILE and the load profile class). A request without the option gets
 * neither the columns nor the rows, byte for byte the report it always got.
 */
export const ESTIMATE_HEADER = ['PLATFORM_ESTIMATE', 'ESTIMATE_SOURCE'];
export const TDSP_CELLS = ['N', ''];

/** A stored platform estimate as a report carries it (plain data: it travels to CSV threads). */
export interface EstimateDay {
  esiid: string;
  operatingDay: string;
  method: string;
  sourceDay: string;
  loadProfileClass: string | null;
  /** Wh per interval, comma-separated, as stored. */
  intervalWh: string;
  createdAt: string;
}

/** Estimates per day, then per ESI ID. */
export type EstimateIndex = Map<string, Map<string, EstimateDay>>;

export function indexEstimates(estimates: readonly EstimateDay[] | undefined): EstimateIndex {
  const index: EstimateIndex = new Map();
  for (const e of estimates ?? []) {
    let day = index.get(e.operatingDay);
    if (!day) index.set(e.operatingDay, (day = new Map()));
    day.set(e.esiid, e);
  }
  return index;
}

/** An estimate as a stored day of channel 4: every interval flagged E, its revision the time it was made. */
export function estimateUsageDay(e: EstimateDay): UsageDay {
  const wh = e.intervalWh.split(',').map(Number);
  const values = new Uint8Array(wh.length * 4);
  const view = new DataView(values.buffer);
  wh.forEach((v, i) => view.setInt32(i * 4, (v & MAX_WH) | ESTIMATED_FLAG, true));
  return { esiid: e.esiid, operatingDay: e.operatingDay, channel: 4, version: cptTimestamp(new Date(e.createdAt)), intervalCount: wh.length, values,
    startReading: null, stopReading: null, meterNumber: null };
}

export function estimateCells(e: EstimateDay): string[] {
  return ['Y', e.method === 'DEFAULT_PROFILE' ? `DEFAULT_PROFILE ${e.loadProfileClass ?? ''}`.trim() : `${e.method} ${e.sourceDay}`];
}

/** A section's rows with the estimate columns: TDSP days and estimates merged in ESI ID order. */
export function rowsWithEstimates(type: ReportType, days: readonly UsageDay[], estimates: readonly EstimateDay[]): string[][] {
  const rows: string[][] = [];
  for (const item of merged(days, estimates)) {
    if ('intervalWh' in item) {
      const usage = estimateUsageDay(item);
      const cells = estimateCells(item);
      if (type === 'INTERVAL') for (const row of intervalRows(usage)) rows.push([...row, ...cells]);
      else rows.push([...dailyRow(usage), ...cells]);
    } else if (type === 'INTERVAL') {
      for (const row of intervalRows(item)) rows.push([...row, ...TDSP_CELLS]);
    } else {
      rows.push([...dailyRow(item), ...TDSP_CELLS]);
    }
  }
  return rows;
}

/** An interval section with the estimate columns as CSV bytes: runs of TDSP days take the fast writer, estimates (rare) the row builder. */
export function intervalCsvWithEstimates(days: readonly UsageDay[], estimates: readonly EstimateDay[]): Uint8Array {
  if (estimates.length === 0) return intervalCsv(days, true);
  const parts: Uint8Array[] = [];
  let run: UsageDay[] = [];
  for (const item of merged(days, estimates)) {
    if (!('intervalWh' in item)) {
      run.push(item);
      continue;
    }
    if (run.length > 0) parts.push(intervalCsv(run, true));
    run = [];
    parts.push(Buffer.from(csvChunk(rowsWithEstimates('INTERVAL', [], [item]))));
  }
  if (run.length > 0) parts.push(intervalCsv(run, true));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** TDSP days (sorted by ESI ID, then version) and estimates (sorted by ESI ID, none for an ESI ID with TDSP data) in one ESI ID order. */
function* merged(days: readonly UsageDay[], estimates: readonly EstimateDay[]): Generator<UsageDay | EstimateDay> {
  let e = 0;
  for (const day of days) {
    while (e < estimates.length && estimates[e].esiid < day.esiid) yield estimates[e++];
    yield day;
  }
  while (e < estimates.length) yield estimates[e++];
}
