import type { DataSource } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { EsiidsCsvImporter, type MeterExchangeListener } from './esiids-csv.importer';
import { ParticipantsCsvImporter } from './participants-csv.importer';
import { readCsvRecords, type CsvBreak, type CsvRecord } from './registry-csv.reader';
import { RepOfRecordCsvImporter } from './rep-of-record-csv.importer';

export type RegistryLayout = 'participants' | 'esiids' | 'rep-of-record';

export interface RowRejection {
  line: number;
  reason: string;
}

export interface RegistryImportResult {
  file: string;
  layout: RegistryLayout;
  created: number;
  updated: number;
  unchanged: number;
  rejected: RowRejection[];
}

/** A data row: its file line and its trimmed values by lower-case column name (absent columns are absent keys). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** Every data row ends up counted exactly once: created, updated, unchanged or rejected. */
export class ImportTally {
  created = 0;
  updated = 0;
  unchanged = 0;
  readonly rejected: RowRejection[] = [];

  reject(line: number, reason: string): void {
    this.rejected.push({ line, reason });
  }
}

/** Applies one batch of rows of a layout; rows are applied in file order. */
export interface RowBatchImporter {
  applyBatch(rows: CsvRow[], tally: ImportTally): Promise<void>;
}

interface LayoutSpec {
  layout: RegistryLayout;
  required: string[];
  optional: string[];
}

const LAYOUTS: LayoutSpec[] = [
  { layout: 'participants', required: ['kind', 'name', 'duns'], optional: [] },
  {
    layout: 'esiids',
    required: ['esiid', 'tdsp_duns'],
    optional: ['meter_number', 'meter_hardware_version', 'meter_firmware_version', 'read_cycle', 'load_profile_class'],
  },
  { layout: 'rep-of-record', required: ['esiid', 'rep_duns', 'effective_from', 'effective_to'], optional: [] },
];

/** Rows per transaction: big enough that commits are cheap, small enough to keep memory and lock time low. */
const DEFAULT_BATCH_ROWS = 5000;

/** Loads registry CSV files (participants, ESI IDs, REP-of-record history), keeping good rows and reporting bad ones. */
export class RegistryImportService {
  private readonly batchRows: number;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly options: { batchRows?: number; onMeterExchange?: MeterExchangeListener } = {},
  ) {
    this.batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  }

  /** Reads only the header: lets a caller check every file before loading any. */
  async detectLayout(filePath: string): Promise<RegistryLayout> {
    const records = readCsvRecords(filePath);
    try {
      return (await readHeader(filePath, records)).layout;
    } finally {
      await records.return(undefined);
    }
  }

  async importCsv(filePath: string): Promise<RegistryImportResult> {
    const records = readCsvRecords(filePath);
    try {
      const { layout, columns } = await readHeader(filePath, records);
      const tally = await this.loadRows(records, columns, await this.importerFor(layout));
      tally.rejected.sort((a, b) => a.line - b.line);
      const result: RegistryImportResult = {
        file: filePath,
        layout,
        created: tally.created,
        updated: tally.updated,
        unchanged: tally.unchanged,
        rejected: tally.rejected,
      };
      this.logger.info('registry file imported', { ...result, rejected: result.rejected.length });
      return result;
    } finally {
      await records.return(undefined);
    }
  }

  private async loadRows(records: AsyncIterable<CsvRecord | CsvBreak>, columns: string[], importer: RowBatchImporter): Promise<ImportTally> {
    const tally = new ImportTally();
    let batch: CsvRow[] = [];
    for await (const item of records) {
      if (item.kind === 'break') {
        tally.reject(item.line, item.reason);
        break;
      }
      if (item.fields.length !== columns.length) {
        tally.reject(item.line, fieldCountProblem(item.fields.length, columns));
        continue;
      }
      const values: Record<string, string> = {};
      columns.forEach((column, i) => (values[column] = item.fields[i]!));
      batch.push({ line: item.line, values });
      if (batch.length >= this.batchRows) {
        await importer.applyBatch(batch, tally);
        batch = [];
      }
    }
    if (batch.length > 0) await importer.applyBatch(batch, tally);
    return tally;
  }

  private async importerFor(layout: RegistryLayout): Promise<RowBatchImporter> {
    switch (layout) {
      case 'participants':
        return ParticipantsCsvImporter.create(this.db);
      case 'esiids':
        return EsiidsCsvImporter.create(this.db, this.options.onMeterExchange);
      case 'rep-of-record':
        return RepOfRecordCsvImporter.create(this.db);
    }
  }
}

async function readHeader(
  filePath: string,
  records: AsyncGenerator<CsvRecord | CsvBreak>,
): Promise<{ layout: RegistryLayout; columns: string[] }> {
  const first = await records.next();
  if (first.done) {
    throw new SmtError('REGISTRY_INVALID', `${filePath} is empty; expected a header row. ${acceptedHeaders()}`, { file: filePath });
  }
  if (first.value.kind === 'break') {
    throw new SmtError('REGISTRY_INVALID', `${filePath}:${first.value.line}: the first row is not valid CSV, so it cannot be a registry header. ${acceptedHeaders()}`, { file: filePath });
  }
  const columns = first.value.fields.map((name) => name.toLowerCase());
  const spec = LAYOUTS.find((candidate) => matches(candidate, columns));
  if (!spec) {
    const known = new Set(LAYOUTS.flatMap((l) => [...l.required, ...l.optional]));
    const unknown = columns.filter((c) => !known.has(c));
    const duplicates = columns.filter((c, i) => columns.indexOf(c) !== i);
    const problem = duplicates.length > 0 ? ` (repeated column: ${duplicates.join(', ')})`
      : unknown.length > 0 ? ` (unknown column: ${unknown.map((c) => `"${c}"`).join(', ')})` : '';
    throw new SmtError(
      'REGISTRY_INVALID',
      `${filePath}: the header "${first.value.fields.join(',')}" matches no registry layout${problem}. ${acceptedHeaders()}`,
      { file: filePath },
    );
  }
  return { layout: spec.layout, columns };
}

function fieldCountProblem(count: number, columns: string[]): string {
  return `has ${count} ${count === 1 ? 'field' : 'fields'}; expected ${columns.length} (${columns.join(',')}): `
    + 'check for missing or extra commas, and quote values that contain a comma';
}

function matches(spec: LayoutSpec, columns: string[]): boolean {
  const allowed = new Set([...spec.required, ...spec.optional]);
  return new Set(columns).size === columns.length
    && spec.required.every((c) => columns.includes(c))
    && columns.every((c) => allowed.has(c));
}

function acceptedHeaders(): string {
  const lines = LAYOUTS.map((l) => {
    const optional = l.optional.length > 0 ? ` (${l.optional.length === 1 ? 'the last column is' : `the last ${l.optional.length} columns are`} optional)` : '';
    return `  ${l.layout}: ${[...l.required, ...l.optional].join(',')}${optional}`;
  });
  return `Accepted headers (columns in any order, any letter case):\n${lines.join('\n')}`;
}
