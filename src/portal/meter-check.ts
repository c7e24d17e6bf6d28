import { cptToday } from '../core/cpt';
import type { RegistryService } from '../registry/registry.service';

/** The seed's CR001 text, shown whatever the reason: it never says which of the two values was wrong. */
export const CR001_INTRO = 'Your registration request cannot be completed at this time due to one of the following reasons:';
export const CR001_REASONS = [
  'You may not have a Smart Meter yet. To determine when you will have a Smart Meter installed, refer to the utility websites.',
  'You may have incorrectly entered the ESI ID number or meter number. If you are having trouble finding this information on your electric bill, please contact your Retail Electric Provider.',
  'A meter with a digital display is not necessarily a Smart Meter. If you have any questions about what kind of meter you have, please contact your Retail Electric Provider.',
  'Your meter information may not be available for access through the Smart Meter Texas portal until up to 60 days after installation of the Smart Meter. If you have questions, please contact your Retail Electric Provider.',
] as const;

/** A meter a customer may register: its ESI ID and the first day of its current REP-of-record stretch. */
export interface MatchedMeter {
  esiid: string;
  visibleFrom: string;
}

/**
 * Whether an ESI ID and meter number name a registered smart meter whose current REP of record is a
 * registered REP. The meter number may be typed without its leading letters, as the seed's form
 * tells customers to. Null for any mismatch, whichever value was wrong.
 */
export async function matchMeter(registry: RegistryService, esiidInput: string, meterInput: string, today = cptToday()): Promise<MatchedMeter | null> {
  const esiid = esiidInput.trim();
  const typed = meterInput.trim().toUpperCase();
  if (!/^[A-Za-z0-9]{1,64}$/.test(esiid) || !/^[A-Z0-9]{1,40}$/.test(typed)) return null;
  const record = await registry.getEsiid(esiid);
  const stored = record?.meterNumber?.toUpperCase() ?? null;
  if (stored === null || (typed !== stored && typed !== stored.replace(/^[A-Z]+/, ''))) return null;
  const current = (await registry.repsOfRecord(esiid)).filter((s) => s.effectiveFrom <= today && (s.effectiveTo === null || s.effectiveTo >= today)).pop();
  if (!current || !(await registry.findParticipantByDuns(current.repDuns))) return null;
  return { esiid, visibleFrom: current.effectiveFrom };
}
