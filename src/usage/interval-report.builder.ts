import { reportSlots } from '../core/cpt';
import { BLANK_INTERVAL } from '../ingest/lse-record';
import { esiidCell, kwh3, revisionDate, usDate } from './report-format';
import { isEstimated, packedInterval, packedWh, type UsageDay } from './usage-day';

export const INTERVAL_HEADER = [
  'ESIID', 'USAGE_DATE', 'REVISION_DATE', 'USAGE_START_TIME', 'USAGE_END_TIME', 'USAGE_KWH', 'ESTIMATED_ACTUAL',
  'CONSUMPTION_SURPLUSGENERATION',
];

/** Channel 4 is what the premise draws from the grid, channel 1 what it sends back. */
export function directionCell(channel: 1 | 4): string {
  return channel === 4 ? 'Consumption' : 'Surplus Generation';
}

/**
 * The 15-minute rows of a day as SMT prints them: 96 rows, the spring-forward gap as blank rows,
 * 100 on the fall-back day. Blank readings stay blank, never zero, so a REP can tell them apart.
 */
export function intervalRows(day: UsageDay): string[][] {
  const esiid = esiidCell(day.esiid);
  const usageDate = usDate(day.operatingDay);
  const revision = revisionDate(day.version);
  const direction = directionCell(day.channel);
  return reportSlots(day.operatingDay).map((slot) => {
    const packed = slot.index === null ? BLANK_INTERVAL : packedInterval(day, slot.index);
    const blank = packed === BLANK_INTERVAL;
    const kwh = blank ? '' : kwh3(packedWh(packed));
    const flag = blank ? '' : isEstimated(packed) ? 'E' : 'A';
    return [esiid, usageDate, revision, slot.start, slot.end, kwh, flag, direction];
  });
}
