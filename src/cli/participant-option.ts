import type { App } from '../app';
import { SmtError } from '../core/errors';
import type { ParticipantKind } from '../db/entities/market-participant.entity';
import { isDuns } from '../registry/registry-formats';
import type { Participant } from '../registry/registry.service';
import { readDunsOption } from './cli-inputs';

/** A participant option given as its exact name or one of its DUNS, which must be a `kind`. */
export async function readParticipantOption(app: App, value: string, option: string, kind: ParticipantKind): Promise<Participant> {
  const named = value.trim();
  if (/^\d+$/.test(named) && !isDuns(named)) readDunsOption(named, option);
  const registry = await app.registry();
  const participant = isDuns(named)
    ? await registry.findParticipantByDuns(named)
    : (await registry.listParticipants()).find((p) => p.name === named) ?? null;
  if (!participant || participant.kind !== kind) {
    throw new SmtError('INPUT_INVALID', `${option} "${value.slice(0, 100)}" is not a registered ${kind}'s name or DUNS (names are case-sensitive; smt entity list shows them)`);
  }
  return participant;
}
