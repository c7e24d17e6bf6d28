import type { EntityManager } from 'typeorm';
import { SmtError } from '../core/errors';
import { MarketParticipant } from '../db/entities/market-participant.entity';

/** The participant with exactly this name, or NOT_FOUND saying how to find the exact name. */
export async function participantNamed(manager: EntityManager, name: string): Promise<MarketParticipant> {
  const participant = await manager.findOneBy(MarketParticipant, { name: name.trim() });
  if (!participant) {
    throw new SmtError('NOT_FOUND', `No participant is named "${name}" (names are case-sensitive); smt entity list shows the exact names.`, { name });
  }
  return participant;
}
