import type { DataSource } from 'typeorm';
import { MarketParticipant } from '../db/entities/market-participant.entity';
import { insertRows } from '../db/bulk-sql';
import { dunsProblem, isDuns, isParticipantKind, MAX_PARTICIPANT_NAME, type ParticipantKind } from './registry-formats';
import type { CsvRow, ImportTally, RowBatchImporter } from './registry-import.service';

interface KnownParticipant {
  id: number;
  name: string;
  kind: ParticipantKind;
}

type ParticipantRow = { name: string; kind: ParticipantKind; duns: string };

/**
 * `kind,name,duns`: one row per DUNS; rows naming the same participant add DUNS to it.
 * Participants are few (hundreds), so all of them are held in memory for the whole file.
 */
export class ParticipantsCsvImporter implements RowBatchImporter {
  private constructor(
    private readonly db: DataSource,
    private readonly byName: Map<string, KnownParticipant>,
    private readonly dunsOwner: Map<string, KnownParticipant>,
  ) {}

  static async create(db: DataSource): Promise<ParticipantsCsvImporter> {
    const participants: { id: number; name: string; kind: ParticipantKind }[] = await db.query(
      'SELECT "id", "name", "kind" FROM "market_participant"',
    );
    const byId = new Map(participants.map((p) => [Number(p.id), { id: Number(p.id), name: p.name, kind: p.kind }]));
    const duns: { duns: string; participant_id: number }[] = await db.query('SELECT "duns", "participant_id" FROM "participant_duns"');
    const dunsOwner = new Map(duns.map((d) => [d.duns, byId.get(Number(d.participant_id))!]));
    return new ParticipantsCsvImporter(db, new Map([...byId.values()].map((p) => [p.name, p])), dunsOwner);
  }

  async applyBatch(rows: CsvRow[], tally: ImportTally): Promise<void> {
    await this.db.transaction(async (manager) => {
      const newDuns: unknown[][] = [];
      for (const row of rows) {
        const parsed = parseRow(row);
        if (typeof parsed === 'string') {
          tally.reject(row.line, parsed);
          continue;
        }
        const { name, kind, duns } = parsed;
        let participant = this.byName.get(name);
        if (participant && participant.kind !== kind) {
          tally.reject(row.line, `participant "${name}" is registered as a ${participant.kind}, not a ${kind}; a participant's kind cannot change: correct the kind column or use another name`);
          continue;
        }
        const owner = this.dunsOwner.get(duns);
        if (owner && owner !== participant) {
          tally.reject(row.line, `DUNS ${duns} already belongs to "${owner.name}"; a DUNS belongs to one participant only: correct the DUNS or the name`);
          continue;
        }
        if (owner) {
          tally.unchanged++;
          continue;
        }
        if (!participant) {
          const inserted = await manager.insert(MarketParticipant, { name, kind, pgpPublicKey: null });
          participant = { id: Number(inserted.identifiers[0]!.id), name, kind };
          this.byName.set(name, participant);
        }
        newDuns.push([duns, participant.id]);
        this.dunsOwner.set(duns, participant);
        tally.created++;
      }
      await insertRows(manager, 'participant_duns', ['duns', 'participant_id'], newDuns);
    });
  }
}

function parseRow(row: CsvRow): ParticipantRow | string {
  const kind = row.values.kind!.toUpperCase();
  const name = row.values.name!;
  const duns = row.values.duns!;
  if (!isParticipantKind(kind)) return `kind "${row.values.kind}" is not REP or TDSP`;
  if (name === '') return 'name is empty; expected the participant\'s name';
  if (name.length > MAX_PARTICIPANT_NAME) return `name is ${name.length} characters long; at most ${MAX_PARTICIPANT_NAME} are allowed`;
  if (!isDuns(duns)) return `duns ${dunsProblem(duns)}`;
  return { name, kind, duns };
}

/** Every registered DUNS with its participant's name and kind: what the other layouts check DUNS columns against. */
export async function loadDunsOwners(db: DataSource): Promise<Map<string, { name: string; kind: ParticipantKind }>> {
  const rows: { duns: string; name: string; kind: ParticipantKind }[] = await db.query(
    'SELECT d."duns", p."name", p."kind" FROM "participant_duns" d JOIN "market_participant" p ON p."id" = d."participant_id"',
  );
  return new Map(rows.map((r) => [r.duns, { name: r.name, kind: r.kind }]));
}

/** Why a DUNS column cannot name a participant of `kind`, or null when it can. */
export function dunsOwnerProblem(
  column: string,
  duns: string,
  kind: ParticipantKind,
  owners: Map<string, { name: string; kind: ParticipantKind }>,
): string | null {
  if (duns === '') return `${column} is empty; expected the ${kind}'s DUNS`;
  if (!isDuns(duns)) return `${column} ${dunsProblem(duns)}`;
  const owner = owners.get(duns);
  if (!owner) return `${column} ${duns} is not a registered ${kind}; register the ${kind} and its DUNS first (participants file or smt entity add)`;
  if (owner.kind !== kind) return `${column} ${duns} belongs to ${owner.kind} "${owner.name}", not to a ${kind}`;
  return null;
}
