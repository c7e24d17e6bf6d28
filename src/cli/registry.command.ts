import { isSmtError, SmtError } from '../core/errors';
import type { RegistryImportResult } from '../registry/registry-import.service';
import type { Command, Terminal } from './command';

/** Exit statuses: every row loaded / some rows rejected / a file could not be read. */
const ALL_LOADED = 0;
const ROWS_REJECTED = 1;
const FILE_FAILED = 2;

export const registryImportCommand: Command = {
  name: ['registry', 'import'],
  summary: 'Load participants, ESI IDs or REP-of-record history from CSV files (layout chosen by the header)',
  usage: 'registry import FILE.csv [FILE.csv ...]',
  options: {},
  allowPositionals: true,
  async run({ positionals: files }, app, term) {
    if (files.length === 0) {
      throw new SmtError('INPUT_INVALID', 'Give at least one CSV file.\nUsage: smt registry import FILE.csv [FILE.csv ...]');
    }
    const importer = await app.registryImport();
    // Later files usually depend on earlier ones (ESI IDs need their TDSP), so every header is
    // checked before anything loads: a typo in one file name then loads nothing.
    let unreadable = 0;
    for (const file of files) {
      try {
        await importer.detectLayout(file);
      } catch (error) {
        if (!isFileProblem(error)) throw error;
        term.err(`${error.message}\n`);
        unreadable++;
      }
    }
    if (unreadable > 0) {
      term.err(`Nothing was loaded: ${unreadable} of ${files.length} file(s) cannot be imported.\n`);
      return FILE_FAILED;
    }
    let status = ALL_LOADED;
    for (const [i, file] of files.entries()) {
      try {
        const result = await importer.importCsv(file);
        report(result, term);
        if (result.rejected.length > 0) status = ROWS_REJECTED;
      } catch (error) {
        if (!isFileProblem(error)) throw error;
        term.err(`${error.message}\n`);
        const rest = files.slice(i + 1);
        if (rest.length > 0) term.err(`Not loaded: ${rest.join(', ')}.\n`);
        return FILE_FAILED;
      }
    }
    return status;
  },
};

function isFileProblem(error: unknown): error is SmtError {
  return isSmtError(error, 'FILE_UNREADABLE') || isSmtError(error, 'REGISTRY_INVALID');
}

function report(result: RegistryImportResult, term: Terminal): void {
  const { file, layout, created, updated, unchanged, rejected } = result;
  term.out(`${file}: ${layout}: ${created} created, ${updated} updated, ${unchanged} unchanged, ${rejected.length} rejected\n`);
  for (const { line, reason } of rejected) term.err(`${file}:${line}: ${reason}\n`);
}
