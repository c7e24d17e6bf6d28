import type { DataSource, EntityManager } from 'typeorm';
import { insertRows, placeholders, selectWhereIn } from '../db/bulk-sql';
import { isLoadProfileClass, LOAD_PROFILE_CLASSES } from '../estimation/default-profiles';
import { dunsOwnerProblem, loadDunsOwners } from './participants-csv.importer';
import { ESIID_EXPECTED, esiidProblem, isEsiid, isReadCycle, MAX_METER_TEXT, MAX_READ_CYCLE, MIN_READ_CYCLE, type ParticipantKind } from './registry-formats';
import type { CsvRow, ImportTally, RowBatchImporter } from './registry-import.service';

/** Stored columns of an ESI ID, in the order they are written. */
const COLUMNS = ['tdsp_duns', 'meter_number', 'meter_hardware_version', 'meter_firmware_version', 'read_cycle', 'load_profile_class'] as const;
type Column = (typeof COLUMNS)[number];
type EsiidValues = Record<Column, string | number | null>;

const OPTIONAL_TEXT = ['meter_number', 'meter_hardware_version', 'meter_firmware_version'] as const;

/** An AMS-to-AMS meter exchange: an ESI ID's registered meter replaced by another. */
export interface MeterExchange {
  esiid: string;
  oldMeter: string;
  newMeter: string;
}

/** Hears of meter exchanges inside the import's transaction, so what depends on the old meter changes with it. */
export type MeterExchangeListener = (manager: EntityManager, exchanges: MeterExchange[]) => Promise<void>;

/**
 * `esiid,tdsp_duns[,meter_number,meter_hardware_version,meter_firmware_version,read_cycle,load_profile_class]`.
 * An empty cell clears a value; a column left out of the header keeps what is stored, so a file
 * can move ESI IDs between TDSPs without repeating their meters.
 */
export class EsiidsCsvImporter implements RowBatchImporter {
  private constructor(
    private readonly db: DataSource,
    private readonly owners: Map<string, { name: string; kind: ParticipantKind }>,
    private readonly onMeterExchange: MeterExchangeListener | undefined,
  ) {}

  static async create(db: DataSource, onMeterExchange?: MeterExchangeListener): Promise<EsiidsCsvImporter> {
    return new EsiidsCsvImporter(db, await loadDunsOwners(db), onMeterExchange);
  }

  async applyBatch(rows: CsvRow[], tally: ImportTally): Promise<void> {
    const good: { line: number; esiid: string; changes: Partial<EsiidValues> }[] = [];
    for (const row of rows) {
      const parsed = this.parseRow(row);
      if (typeof parsed === 'string') tally.reject(row.line, parsed);
      else good.push({ line: row.line, ...parsed });
    }
    // Reads happen before the transaction so that it starts with a write (see library-pitfalls 5.4).
    const current = await this.loadStored([...new Set(good.map((g) => g.esiid))]);
    const inserts = new Map<string, EsiidValues>();
    const updates = new Map<string, EsiidValues>();
    const exchanges: MeterExchange[] = [];
    for (const { esiid, changes } of good) {
      const before = current.get(esiid);
      const after: EsiidValues = { ...emptyValues(), ...before, ...changes };
      if (!before) {
        inserts.set(esiid, after);
        tally.created++;
      } else if (COLUMNS.every((c) => before[c] === after[c])) {
        tally.unchanged++;
        continue;
      } else {
        (inserts.has(esiid) ? inserts : updates).set(esiid, after);
        tally.updated++;
        if (before.meter_number !== null && after.meter_number !== null && before.meter_number !== after.meter_number) {
          exchanges.push({ esiid, oldMeter: String(before.meter_number), newMeter: String(after.meter_number) });
        }
      }
      current.set(esiid, after);
    }
    if (inserts.size === 0 && updates.size === 0) return;
    await this.db.transaction(async (manager) => {
      const insertValues = [...inserts].map(([esiid, values]) => [esiid, ...COLUMNS.map((c) => values[c])]);
      await insertRows(manager, 'esiid', ['esiid', ...COLUMNS], insertValues);
      const p = placeholders(manager, COLUMNS.length + 1, 0);
      const sql = `UPDATE "esiid" SET ${COLUMNS.map((c, i) => `"${c}" = ${p[i]}`).join(', ')}, "updated_at" = CURRENT_TIMESTAMP WHERE "esiid" = ${p[COLUMNS.length]}`;
      // One statement per changed ESI ID: the driver reuses the prepared statement, ~3 µs a row on SQLite.
      for (const [esiid, values] of updates) await manager.query(sql, [...COLUMNS.map((c) => values[c]), esiid]);
      if (exchanges.length > 0 && this.onMeterExchange) await this.onMeterExchange(manager, exchanges);
    });
  }

  private async loadStored(esiids: string[]): Promise<Map<string, EsiidValues>> {
    const rows = await selectWhereIn<EsiidValues & { esiid: string }>(
      this.db.manager,
      `SELECT "esiid", ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "esiid"`,
      'esiid',
      esiids,
    );
    return new Map(rows.map((r) => [r.esiid, { ...pick(r), read_cycle: r.read_cycle === null ? null : Number(r.read_cycle) }]));
  }

  private parseRow(row: CsvRow): { esiid: string; changes: Partial<EsiidValues> } | string {
    const v = row.values;
    const esiid = v.esiid!;
    if (esiid === '') return `esiid is empty; expected ${ESIID_EXPECTED}`;
    if (!isEsiid(esiid)) return `esiid ${esiidProblem(esiid)}`;
    const tdspProblem = dunsOwnerProblem('tdsp_duns', v.tdsp_duns!, 'TDSP', this.owners);
    if (tdspProblem) return tdspProblem;
    const changes: Partial<EsiidValues> = { tdsp_duns: v.tdsp_duns! };
    for (const column of OPTIONAL_TEXT) {
      const value = v[column];
      if (value === undefined) continue;
      if (value.length > MAX_METER_TEXT) return `${column} is ${value.length} characters long; at most ${MAX_METER_TEXT} are allowed`;
      changes[column] = value === '' ? null : value;
    }
    if (v.read_cycle !== undefined) {
      const cycle = v.read_cycle === '' ? null : /^\d{1,2}$/.test(v.read_cycle) ? Number(v.read_cycle) : NaN;
      if (cycle !== null && !isReadCycle(cycle)) {
        return `read_cycle "${v.read_cycle}" is not valid; expected a whole number from ${MIN_READ_CYCLE} to ${MAX_READ_CYCLE}, or empty for calendar-month billing`;
      }
      changes.read_cycle = cycle;
    }
    if (v.load_profile_class !== undefined) {
      const profileClass = v.load_profile_class.trim().toUpperCase();
      if (profileClass !== '' && !isLoadProfileClass(profileClass)) {
        return `load_profile_class "${v.load_profile_class.slice(0, 20)}" is not one the platform has a default profile for; expected one of ${LOAD_PROFILE_CLASSES.join(', ')}, or empty for unknown`;
      }
      changes.load_profile_class = profileClass === '' ? null : profileClass;
    }
    return { esiid, changes };
  }
}

function emptyValues(): EsiidValues {
  return { tdsp_duns: null, meter_number: null, meter_hardware_version: null, meter_firmware_version: null, read_cycle: null, load_profile_class: null };
}

function pick(row: EsiidValues): EsiidValues {
  const out = emptyValues();
  for (const c of COLUMNS) out[c] = row[c];
  return out;
}
