import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import type { EsiidRecord, Participant, RegistryService } from '../registry/registry.service';
import { covers } from '../registry/rep-stretch.rules';

/** The ESI ID a REP acts on, with the REP DUNS it acts for. */
export interface RepOnEsiid {
  repDuns: string;
  esiid: EsiidRecord;
  tdsp: Participant;
}

/**
 * Who may do what with HAN devices: the caller acts for one of its own DUNS, which must be the
 * REP of record of the ESI ID today (Central Prevailing Time).
 */
export class HanAccess {
  constructor(private readonly registry: RegistryService, private readonly now: () => Date) {}

  async repOfRecord(requesterDuns: string, participantId: number, esiidText: string): Promise<RepOnEsiid> {
    const rep = await this.registry.actingFor(requesterDuns, participantId);
    const esiid = await this.registry.getEsiid(String(esiidText ?? '').trim());
    if (!esiid) throw new SmtError('HAN_ESIID_UNKNOWN', `ESI ID ${String(esiidText).slice(0, 64)} is not registered; check the number`);
    const today = cptToday(this.now());
    const stretches = await this.registry.repsOfRecord(esiid.esiid);
    const serving = stretches.find((s) => covers(s, today));
    if (rep.kind !== 'REP' || serving?.repDuns !== requesterDuns) {
      throw new SmtError('HAN_NOT_REP_OF_RECORD', `DUNS ${requesterDuns} is not the REP of record of ESI ID ${esiid.esiid} today (${today}); only the REP of record manages its HAN devices`);
    }
    const tdsp = await this.registry.findParticipantByDuns(esiid.tdspDuns);
    if (!tdsp) throw new SmtError('INTERNAL', `ESI ID ${esiid.esiid} belongs to TDSP DUNS ${esiid.tdspDuns}, which is not registered`);
    return { repDuns: requesterDuns, esiid, tdsp };
  }
}
