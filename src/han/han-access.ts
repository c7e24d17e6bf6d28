import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import type { EsiidRecord, Participant, RegistryService, RepStretch } from '../registry/registry.service';
import { covers } from '../registry/rep-stretch.rules';

/** The ESI ID a REP acts on, with the REP DUNS it acts for and the days its own DUNS served the ESI ID. */
export interface RepOnEsiid {
  repDuns: string;
  esiid: EsiidRecord;
  tdsp: Participant;
  /** Every DUNS of the calling participant: devices it provisioned under any of them are its own. */
  ownDuns: readonly string[];
  /** The REP-of-record stretches of the caller's DUNS on this ESI ID: the only days of HAN history it may see. */
  ownStretches: RepStretch[];
}

/** How many ESI IDs a refusal names before it says "and N more". */
const LISTED = 10;

/**
 * The one refusal for an ESI ID a REP may not act on, whether it does not exist or another REP
 * serves it: the same code and the same text, so a REP cannot learn which ESI IDs exist or whom
 * they belong to. The ESI IDs are named in the order the caller sent them.
 */
export function notServedError(repDuns: string, esiids: readonly string[], today: string): SmtError {
  const named = esiids.slice(0, LISTED).map((e) => String(e).slice(0, 64)).join(', ') + (esiids.length > LISTED ? ` and ${esiids.length - LISTED} more` : '');
  return new SmtError('HAN_NOT_REP_OF_RECORD', `DUNS ${repDuns} is not the REP of record today (${today}) of ESI ID ${named}; `
    + 'check the number: only the REP of record of an ESI ID manages its HAN devices and sends it messages');
}

/**
 * Who may do what with HAN devices: the caller acts for one of its own DUNS, which must be the
 * REP of record of the ESI ID today (Central Prevailing Time). An unknown ESI ID is refused exactly
 * like one the caller does not serve.
 */
export class HanAccess {
  constructor(private readonly registry: RegistryService, private readonly now: () => Date) {}

  async repOfRecord(requesterDuns: string, participantId: number, esiidText: string): Promise<RepOnEsiid> {
    const rep = await this.registry.actingFor(requesterDuns, participantId);
    const today = cptToday(this.now());
    const asked = String(esiidText ?? '').trim();
    const esiid = await this.registry.getEsiid(asked);
    const stretches = esiid ? await this.registry.repsOfRecord(esiid.esiid) : [];
    const serving = stretches.find((s) => covers(s, today));
    if (!esiid || rep.kind !== 'REP' || serving?.repDuns !== requesterDuns) throw notServedError(requesterDuns, [asked], today);
    const tdsp = await this.registry.findParticipantByDuns(esiid.tdspDuns);
    if (!tdsp) throw new SmtError('INTERNAL', `ESI ID ${esiid.esiid} belongs to TDSP DUNS ${esiid.tdspDuns}, which is not registered`);
    return { repDuns: requesterDuns, esiid, tdsp, ownDuns: rep.duns, ownStretches: stretches.filter((s) => rep.duns.includes(s.repDuns)) };
  }
}
