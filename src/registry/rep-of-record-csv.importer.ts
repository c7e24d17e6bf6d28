import type { DataSource } from 'typeorm';
import { addDays } from '../core/cpt';
import type { RepOfRecordSource } from '../db/entities/rep-of-record.entity';
import { deleteWhereIn, insertRows, selectWhereIn } from '../db/bulk-sql';
import { dunsOwnerProblem, loadDunsOwners } from './participants-csv.importer';
import { ESIID_EXPECTED, esiidProblem, isDay, isEsiid, type ParticipantKind } from './registry-formats';
import type { CsvRow, ImportTally, RowBatchImporter } from './registry-import.service';
import { describeStretch, overlaps, subtract, type Stretch } from './rep-stretch.rules';

/** A stretch as held during a batch; id null = to be inserted when the batch commits. */
interface HeldStretch extends Stretch {
  id: number | null;
  source: RepOfRecordSource;
}

type Outcome = 'created' | 'updated' | 'unchanged' | { reject: string };

/**
 * `esiid,rep_duns,effective_from,effective_to`. A stretch is identified by ESI ID, REP DUNS and
 * effective_from: a row repeating one with another effective_to changes its end (how a switch is
 * recorded: end the old stretch, then add the new one). Registry stretches of an ESI ID never
 * overlap; stretches the ingest inferred from LSE files ('lse') give way to registry ones.
 */
export class RepOfRecordCsvImporter implements RowBatchImporter {
  private constructor(
    private readonly db: DataSource,
    private readonly owners: Map<string, { name: string; kind: ParticipantKind }>,
  ) {}

  static async create(db: DataSource): Promise<RepOfRecordCsvImporter> {
    return new RepOfRecordCsvImporter(db, await loadDunsOwners(db));
  }

  async applyBatch(rows: CsvRow[], tally: ImportTally): Promise<void> {
    const good: { line: number; esiid: string; stretch: Stretch }[] = [];
    for (const row of rows) {
      const parsed = this.parseRow(row);
      if (typeof parsed === 'string') tally.reject(row.line, parsed);
      else good.push({ line: row.line, ...parsed });
    }
    const esiids = [...new Set(good.map((g) => g.esiid))];
    // Reads happen before the transaction so that it starts with a write (see library-pitfalls 5.4).
    const registered = new Set(
      (await selectWhereIn<{ esiid: string }>(this.db.manager, 'SELECT "esiid" FROM "esiid"', 'esiid', esiids)).map((r) => r.esiid),
    );
    const held = await this.loadStretches(esiids);
    const deletedIds: number[] = [];
    for (const { line, esiid, stretch } of good) {
      if (!registered.has(esiid)) {
        tally.reject(line, `ESI ID ${esiid} is not registered; load it with an esiids file first`);
        continue;
      }
      const list = held.get(esiid) ?? [];
      held.set(esiid, list);
      const outcome = applyStretch(esiid, list, stretch, deletedIds);
      if (typeof outcome === 'object') tally.reject(line, outcome.reject);
      else tally[outcome]++;
    }
    const inserts = [...held].flatMap(([esiid, list]) =>
      list.filter((s) => s.id === null).map((s) => [esiid, s.repDuns, s.from, s.to, s.source]));
    if (inserts.length === 0 && deletedIds.length === 0) return;
    await this.db.transaction(async (manager) => {
      await deleteWhereIn(manager, 'rep_of_record', 'id', deletedIds);
      await insertRows(manager, 'rep_of_record', ['esiid', 'rep_duns', 'effective_from', 'effective_to', 'source'], inserts);
    });
  }

  private async loadStretches(esiids: string[]): Promise<Map<string, HeldStretch[]>> {
    type Row = { id: number; esiid: string; rep_duns: string; effective_from: string; effective_to: string | null; source: RepOfRecordSource };
    const rows = await selectWhereIn<Row>(
      this.db.manager,
      'SELECT "id", "esiid", "rep_duns", "effective_from", "effective_to", "source" FROM "rep_of_record"',
      'esiid',
      esiids,
    );
    const byEsiid = new Map<string, HeldStretch[]>();
    for (const r of rows) {
      const list = byEsiid.get(r.esiid) ?? [];
      list.push({ id: Number(r.id), repDuns: r.rep_duns, from: r.effective_from, to: r.effective_to, source: r.source });
      byEsiid.set(r.esiid, list);
    }
    return byEsiid;
  }

  private parseRow(row: CsvRow): { esiid: string; stretch: Stretch } | string {
    const v = row.values;
    const esiid = v.esiid!;
    if (esiid === '') return `esiid is empty; expected ${ESIID_EXPECTED}`;
    if (!isEsiid(esiid)) return `esiid ${esiidProblem(esiid)}`;
    const repProblem = dunsOwnerProblem('rep_duns', v.rep_duns!, 'REP', this.owners);
    if (repProblem) return repProblem;
    const from = v.effective_from!;
    const to = v.effective_to!;
    if (!isDay(from)) return `effective_from "${from}" is not a date; expected a real calendar day as YYYY-MM-DD`;
    if (to !== '' && !isDay(to)) return `effective_to "${to}" is not a date; expected a real calendar day as YYYY-MM-DD, or empty for open-ended`;
    if (to !== '' && to < from) return `effective_to ${to} is before effective_from ${from}; expected an end on or after the start (both days are included)`;
    return { esiid, stretch: { repDuns: v.rep_duns!, from, to: to === '' ? null : to } };
  }
}

/** Applies one imported stretch to the stretches held for its ESI ID. */
function applyStretch(esiid: string, list: HeldStretch[], incoming: Stretch, deletedIds: number[]): Outcome {
  const registry = list.filter((s) => s.source === 'registry');
  const same = registry.find((s) => s.repDuns === incoming.repDuns && s.from === incoming.from);
  if (same && same.to === incoming.to) return 'unchanged';
  const clash = registry.find((s) => s !== same && overlaps(s, incoming));
  if (clash) return { reject: overlapReason(esiid, incoming, clash) };
  if (same) drop(list, same, deletedIds);
  list.push({ id: null, ...incoming, source: 'registry' });
  for (const lse of list.filter((s) => s.source === 'lse' && overlaps(s, incoming))) {
    drop(list, lse, deletedIds);
    for (const piece of subtract(lse, incoming)) list.push({ id: null, ...piece, source: 'lse' });
  }
  return same ? 'updated' : 'created';
}

/** Stored stretches change by delete + insert, which keeps every write of a batch a multi-row statement. */
function drop(list: HeldStretch[], stretch: HeldStretch, deletedIds: number[]): void {
  list.splice(list.indexOf(stretch), 1);
  if (stretch.id !== null) deletedIds.push(stretch.id);
}

function overlapReason(esiid: string, incoming: Stretch, clash: Stretch): string {
  const fix = clash.from < incoming.from
    ? `to record a switch, first end that stretch with the row "${esiid},${clash.repDuns},${clash.from},${addDays(incoming.from, -1)}" placed before this one`
    : 'correct the dates of one of them';
  return `${describeStretch(incoming)} overlaps the registry stretch ${describeStretch(clash)} of ESI ID ${esiid}; `
    + `stretches of one ESI ID cannot overlap: ${fix}`;
}
