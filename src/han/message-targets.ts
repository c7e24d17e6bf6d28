import type { EntityManager } from 'typeorm';
import { SmtError } from '../core/errors';
import { selectWhereIn } from '../db/bulk-sql';
import { esiidProblem, isEsiid } from '../registry/registry-formats';
import { covers } from '../registry/rep-stretch.rules';
import { notServedError } from './han-access';

/** An ESI ID a message goes to: its TDSP, meter, and the devices in Device Added status it addresses. */
export interface MessageTarget {
  esiid: string;
  tdspDuns: string;
  meterNumber: string;
  macs: string[];
}

export interface TargetPlan {
  targets: MessageTarget[];
  /** ESI IDs of the REP with no device that can receive the message (logged as FLR, listed in the answer). */
  withoutDevice: { esiid: string; tdspDuns: string; meterNumber: string | null }[];
}

/** Most ESI IDs one message request may name. */
export const MAX_MESSAGE_ESIIDS = 10_000;

/**
 * Where a REP's message goes: every ESI ID must be registered and served by the REP today (else the
 * whole request is refused, naming them); each one's devices in Device Added status on its current
 * meter receive it, optionally only the MACs asked for.
 */
export async function planTargets(m: EntityManager, repDuns: string, esiidList: readonly string[], today: string, onlyMacs?: ReadonlySet<string>): Promise<TargetPlan> {
  const esiids = [...new Set(esiidList.map((e) => String(e ?? '').trim()))];
  if (esiids.length === 0) throw new SmtError('HAN_FIELD_INVALID', 'esiid is missing; name at least one ESI ID');
  if (esiids.length > MAX_MESSAGE_ESIIDS) throw new SmtError('HAN_FIELD_INVALID', `${esiids.length} ESI IDs in one request; at most ${MAX_MESSAGE_ESIIDS}: split the list`);
  const malformed = esiids.filter((e) => !isEsiid(e));
  if (malformed.length > 0) throw new SmtError('HAN_FIELD_INVALID', `esiid ${esiidProblem(malformed[0]!)}${malformed.length > 1 ? ` (and ${malformed.length - 1} more)` : ''}`);

  const registered = new Map((await selectWhereIn<{ esiid: string; tdsp_duns: string; meter_number: string | null }>(
    m, 'SELECT "esiid", "tdsp_duns", "meter_number" FROM "esiid"', 'esiid', esiids)).map((r) => [r.esiid, r]));
  const stretches = await selectWhereIn<{ esiid: string; repDuns: string; effectiveFrom: string; effectiveTo: string | null }>(
    m, 'SELECT "esiid", "rep_duns" AS "repDuns", "effective_from" AS "effectiveFrom", "effective_to" AS "effectiveTo" FROM "rep_of_record"', 'esiid', esiids);
  const served = new Set(stretches.filter((s) => s.repDuns === repDuns && covers(s, today)).map((s) => s.esiid));
  // Unknown and foreign ESI IDs are refused alike, in the caller's order: the refusal tells nothing about who serves what.
  const refused = esiids.filter((e) => !registered.has(e) || !served.has(e));
  if (refused.length > 0) throw notServedError(repDuns, refused, today);

  const devices = await selectWhereIn<{ esiid: string; mac: string; status: string; meter_number: string }>(
    m, 'SELECT "esiid", "mac", "status", "meter_number" FROM "han_device"', 'esiid', esiids);
  const macsOf = new Map<string, string[]>();
  for (const d of devices) {
    if (d.status !== 'Device Added' || d.meter_number !== registered.get(d.esiid)!.meter_number || (onlyMacs && !onlyMacs.has(d.mac))) continue;
    macsOf.set(d.esiid, [...(macsOf.get(d.esiid) ?? []), d.mac]);
  }
  const plan: TargetPlan = { targets: [], withoutDevice: [] };
  for (const esiid of esiids) {
    const row = registered.get(esiid)!;
    const macs = macsOf.get(esiid);
    if (macs) plan.targets.push({ esiid, tdspDuns: row.tdsp_duns, meterNumber: row.meter_number!, macs: macs.sort() });
    else plan.withoutDevice.push({ esiid, tdspDuns: row.tdsp_duns, meterNumber: row.meter_number });
  }
  if (plan.targets.length === 0) {
    throw new SmtError('HAN_NO_ADDED_DEVICE', `none of the ${esiids.length} ESI ID(s) has ${onlyMacs ? 'one of the named devices' : 'a HAN device'} in Device Added status; provision a device first (ProvisionHanDevice)`);
  }
  return plan;
}
