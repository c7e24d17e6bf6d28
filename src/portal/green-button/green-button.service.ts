import { addDays, isDay, reportSlots } from '../../core/cpt';
import { SmtError } from '../../core/errors';
import type { Viewer } from '../energy-access';
import { ON_SCREEN_DAYS, type EnergyDataService, type UsageView } from '../energy-data.service';
import { INTERVAL_SECONDS, type EspiDay } from './espi-feed';
import { dayDuration, dayStartEpoch } from './espi-time';

/** The longest range one download covers: a year (a customer's history is 13 months; a longer range is an export request). */
export const GREEN_BUTTON_MAX_DAYS = 366;

export interface GreenButtonData {
  /** The interval view over the whole range (its rows are the CSV). */
  view: UsageView;
  /** The same rows as ESPI interval blocks: one per day with data, readings at their true epoch seconds. */
  days: EspiDay[];
}

/**
 * "Download My Data": the interval view of the portal (same service, same access rule and history
 * window), read in on-screen-sized pieces and turned into ESPI interval blocks. Blank intervals and
 * the spring-forward hour are left out (a reading is never invented); estimated ones keep their flag.
 * Null when the viewer may see none of the range (the page answers as for an unknown ESI ID).
 */
export async function greenButtonData(energy: EnergyDataService, viewer: Viewer, esiid: string, from: string, to: string): Promise<GreenButtonData | null> {
  if (!isDay(from) || !isDay(to)) throw new SmtError('REPORT_DATES_INVALID', 'Enter real dates (YYYY-MM-DD).');
  if (to < from) throw new SmtError('REPORT_DATES_INVALID', 'The end date is before the start date.');
  if (addDays(from, GREEN_BUTTON_MAX_DAYS - 1) < to) {
    throw new SmtError('REPORT_DATES_INVALID', `A download covers at most ${GREEN_BUTTON_MAX_DAYS} days; choose a shorter range.`);
  }
  const pieces: UsageView[] = [];
  for (let start = from; start <= to; start = addDays(start, ON_SCREEN_DAYS.INTERVAL)) {
    const end = addDays(start, ON_SCREEN_DAYS.INTERVAL - 1) < to ? addDays(start, ON_SCREEN_DAYS.INTERVAL - 1) : to;
    const piece = await energy.view(viewer, esiid, 'INTERVAL', start, end);
    if (piece) pieces.push(piece);
  }
  if (pieces.length === 0) return null;
  const days: EspiDay[] = [];
  for (const piece of pieces) {
    piece.groups.forEach((group, i) => {
      if (group.rows.length > 0) days.push(espiDay(addDays(piece.from, i), group.rows));
    });
  }
  const view: UsageView = { ...pieces[0]!, from, to, groups: pieces.flatMap((p) => p.groups) };
  return { view, days };
}

/** The day's report rows (96, or 100 on fall-back) as readings: kWh column 5, estimated flag column 6. */
export function espiDay(day: string, rows: string[][]): EspiDay {
  const start = dayStartEpoch(day);
  const slots = reportSlots(day);
  const readings: EspiDay['readings'] = [];
  rows.forEach((row, k) => {
    const index = slots[k]?.index;
    if (index === null || index === undefined || row[5] === '' || row[5] === undefined) return;
    readings.push({ start: start + index * INTERVAL_SECONDS, wh: Math.round(Number(row[5]) * 1000), estimated: row[6] === 'E' });
  });
  return { day, start, duration: dayDuration(day), readings };
}
