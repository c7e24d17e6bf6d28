import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import type { HanRequestChannel } from '../db/entities/han-device-event.entity';
import type { RegistryService } from '../registry/registry.service';
import { covers } from '../registry/rep-stretch.rules';
import type { RepOnEsiid } from './han-access';

/** A portal user as the HAN service needs her: taken from the portal session, never from a form. */
export interface PortalHanActor {
  kind: 'CUSTOMER' | 'REP' | 'TDSP';
  /** The REP or TDSP the staff user works for. */
  participantId: number | null;
  /** Every DUNS of that REP or TDSP. */
  duns: readonly string[];
  /** A customer's own meters (never a friend's) and the first day each is hers. */
  meters: readonly { esiid: string; visibleFrom: string }[];
}

export const PORTAL_CHANNEL: Record<PortalHanActor['kind'], HanRequestChannel> = { CUSTOMER: 'PORTAL_CUSTOMER', REP: 'PORTAL_REP', TDSP: 'PORTAL_TDSP' };

/** The one refusal for an ESI ID the user may not act on, whether it exists or not. */
export function notYoursError(esiid: string): SmtError {
  return new SmtError('NOT_FOUND', `ESI ID ${String(esiid).slice(0, 64)} is not one you may manage HAN devices for`);
}

/**
 * Who may act on an ESI ID's HAN devices in the portal, resolved to the same scope a REP's SOAP call
 * gets, so the HAN service applies one set of rules. A request always acts for the ESI ID's REP of
 * record today (its devices are the REP's, which sees them over SOAP too):
 * - a customer, on a meter she registered; she sees what happened since it became hers;
 * - a REP user, when one of the REP's DUNS is the REP of record today (as over SOAP);
 * - a TDSP user, on the meters of its own territory only; it sees the whole history.
 */
export class HanPortalAccess {
  constructor(private readonly registry: RegistryService, private readonly now: () => Date) {}

  async scope(actor: PortalHanActor, esiidText: string): Promise<RepOnEsiid> {
    const asked = String(esiidText ?? '').trim().slice(0, 64);
    const today = cptToday(this.now());
    const esiid = /^[A-Za-z0-9]{1,64}$/.test(asked) ? await this.registry.getEsiid(asked) : null;
    if (!esiid) throw notYoursError(asked);
    const stretches = await this.registry.repsOfRecord(esiid.esiid);
    const serving = stretches.find((s) => covers(s, today));
    const tdsp = await this.registry.findParticipantByDuns(esiid.tdspDuns);
    if (!serving || !tdsp) throw notYoursError(asked);
    const base = { repDuns: serving.repDuns, esiid, tdsp };
    if (actor.kind === 'CUSTOMER') {
      const meter = actor.meters.find((m) => m.esiid === esiid.esiid);
      if (!meter) throw notYoursError(asked);
      return { ...base, ownDuns: [serving.repDuns], ownStretches: [{ repDuns: serving.repDuns, effectiveFrom: meter.visibleFrom, effectiveTo: null, source: 'registry' }] };
    }
    if (actor.participantId === null) throw notYoursError(asked);
    if (actor.kind === 'REP') {
      if (!actor.duns.includes(serving.repDuns)) throw notYoursError(asked);
      return { ...base, ownDuns: [...actor.duns], ownStretches: stretches.filter((s) => actor.duns.includes(s.repDuns)) };
    }
    if (tdsp.id !== actor.participantId) throw notYoursError(asked);
    return { ...base, ownDuns: [...new Set(stretches.map((s) => s.repDuns))], ownStretches: stretches };
  }
}
