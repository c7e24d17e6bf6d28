import type { App } from '../app';
import { isDay } from '../core/cpt';
import { SmtError } from '../core/errors';
import { DUNS_EXPECTED, ESIID_EXPECTED, isDuns, isEsiid } from '../registry/registry-formats';
import type { Participant } from '../registry/registry.service';
import type { ParticipantKind } from '../db/entities/market-participant.entity';

/** A date option given as MM/DD/YYYY or YYYY-MM-DD, as YYYY-MM-DD; anything else (or a day that does not exist) is an error. */
export function readDateOption(value: string, option: string): string {
  const text = value.trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const day = us ? `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` : text;
  if (!isDay(day)) {
    throw new SmtError('INPUT_INVALID', `${option} "${text.slice(0, 20)}" is not a real date; give MM/DD/YYYY or YYYY-MM-DD (e.g. 07/14/2025 or 2025-07-14)`);
  }
  return day;
}

/** A DUNS option checked for its shape: an 8-digit number is malformed, not "not registered". */
export function readDunsOption(value: string, option: string): string {
  const duns = value.trim();
  if (!isDuns(duns)) throw new SmtError('INPUT_INVALID', `${option} "${duns.slice(0, 20)}" is malformed: expected ${DUNS_EXPECTED}`);
  return duns;
}

/** An ESI ID that must be well formed and registered (smt registry import loads them). */
export async function readRegisteredEsiid(app: App, value: string, what: string): Promise<string> {
  const esiid = value.trim();
  if (!isEsiid(esiid)) throw new SmtError('INPUT_INVALID', `${what} "${esiid.slice(0, 70)}" is malformed: expected ${ESIID_EXPECTED}`);
  if (!(await (await app.registry()).getEsiid(esiid))) throw new SmtError('INPUT_INVALID', `${what} ${esiid} is not registered (smt registry import loads ESI IDs)`);
  return esiid;
}

/** A well-formed DUNS that must belong to a registered participant (of `kind`, when given). */
export async function readRegisteredDuns(app: App, value: string, option: string, kind?: ParticipantKind): Promise<Participant> {
  const duns = readDunsOption(value, option);
  const participant = await (await app.registry()).findParticipantByDuns(duns);
  if (!participant) throw new SmtError('DUNS_UNKNOWN', `${option}: DUNS ${duns} is not registered to any REP or TDSP (smt entity list shows the registered DUNS numbers)`);
  if (kind !== undefined && participant.kind !== kind) {
    throw new SmtError('INPUT_INVALID', `${option} ${duns} belongs to ${participant.kind} "${participant.name}", not to a ${kind}`);
  }
  return participant;
}
