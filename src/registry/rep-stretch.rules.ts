import { addDays } from '../core/cpt';

/** Days a REP DUNS served an ESI ID: inclusive 'YYYY-MM-DD' bounds; `to` null = open-ended. */
export interface Stretch {
  repDuns: string;
  from: string;
  to: string | null;
}

/** Later than any real day, so open-ended stretches compare like ordinary ones. */
const END_OF_TIME = '9999-12-31';

function end(stretch: Stretch): string {
  return stretch.to ?? END_OF_TIME;
}

/** Whether a stored REP-of-record stretch (inclusive days; open-ended when effectiveTo is null) covers `day`. */
export function covers(stretch: { effectiveFrom: string; effectiveTo: string | null }, day: string): boolean {
  return stretch.effectiveFrom <= day && (stretch.effectiveTo === null || day <= stretch.effectiveTo);
}

export function overlaps(a: Stretch, b: Stretch): boolean {
  return a.from <= end(b) && b.from <= end(a);
}

/** The parts of `stretch` outside `cut`: none, one, or two when `cut` falls in its middle. */
export function subtract(stretch: Stretch, cut: Stretch): Stretch[] {
  if (!overlaps(stretch, cut)) return [stretch];
  const pieces: Stretch[] = [];
  if (stretch.from < cut.from) {
    pieces.push({ repDuns: stretch.repDuns, from: stretch.from, to: addDays(cut.from, -1) });
  }
  if (cut.to !== null && end(stretch) > cut.to) {
    pieces.push({ repDuns: stretch.repDuns, from: addDays(cut.to, 1), to: stretch.to });
  }
  return pieces;
}

export function describeStretch(stretch: Stretch): string {
  const days = stretch.to === null ? `from ${stretch.from}, open-ended` : `from ${stretch.from} to ${stretch.to}`;
  return `REP ${stretch.repDuns} ${days}`;
}
