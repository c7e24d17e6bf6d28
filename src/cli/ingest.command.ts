import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../app';
import { errorMessage, isSmtError, SmtError } from '../core/errors';
import { noProgress, terminalProgress, type Progress } from '../core/progress';
import { toJsonLine, type FileLoadSummary } from '../ingest/ingest-result';
import type { LseFileToLoad } from '../ingest/ingest.service';
import { expandInputPaths, openLseInput, type LseSource } from '../ingest/lse-input';
import { FILE_CODES, RECORD_CODES, type RecordCode } from '../ingest/result-codes';
import { participantUploader, uploaderLogFields, type Uploader } from '../ingest/uploader';
import { isDuns } from '../registry/registry-formats';
import { readDunsOption } from './cli-inputs';
import type { Command } from './command';

export const ingestCommand: Command = {
  name: ['ingest'],
  summary: 'Load TDSP LSE files (.lse, .zip, PGP-encrypted) and file their activity reports',
  usage: [
    'ingest PATH... [--for TDSP] [--json]   (files or folders; --json prints one JSON object per file)',
    '',
    'Run by an operator, ingest loads any registered TDSP\'s records, whatever their Sender; the log',
    'names the operator\'s OS user as the loader. The activity report is printed and kept in the',
    'database, and goes to no FTPS folder. --for TDSP (a TDSP\'s name or one of its DUNS) loads the files',
    'as that TDSP would upload them: records naming another sender are refused (09), and the activity',
    'report goes to that TDSP\'s reports/ folder (of the DUNS given, or its first DUNS).',
  ].join('\n'),
  options: { json: { type: 'boolean', default: false }, for: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length === 0) {
      term.err(`smt ingest: name at least one file or folder.\nUsage: smt ${this.usage}\n`);
      return 2;
    }
    const json = values.json === true;
    const expanded = await expandInputPaths(positionals);
    // `smt ingest fixtures/lse fixtures/lse/broken`: the folder is recursed, so broken/ is named twice; each file loads once.
    const files = [...new Map(expanded.files.map((f) => [path.resolve(f), f])).values()];
    const skipped = expanded.skipped.filter((f, i, all) => all.findIndex((g) => path.resolve(g) === path.resolve(f)) === i);
    for (const file of skipped) term.err(`smt ingest: skipped ${file} (not .lse, .zip, .pgp, .gpg or .asc)\n`);
    const uploader = await uploaderFor(app, values.for as string | undefined);
    app.logger.info('ingest: loading files from the command line', { ...uploaderLogFields(uploader), paths: positionals });
    const ingest = (await app.ingestService()).newRun(uploader);
    await fs.promises.mkdir(app.tempDir, { recursive: true, mode: 0o700 });
    let failed = false;
    const sources: LseSource[] = [];
    for (const file of files) {
      try {
        sources.push(...await openLseInput(file, {
          platformKey: (await app.platformKey()).privateKey,
          maxFileBytes: app.config.ingest.maxFileBytes,
          tempDir: app.tempDir,
        }));
      } catch (error) {
        if (!isSmtError(error)) throw error;
        failed = true;
        app.logger.warn('ingest: input could not be read', { file, error: error.message });
        term.err(`smt ingest: ${errorMessage(error)}\n`);
      }
    }
    try {
      const bar = term.isTty && !json ? terminalProgress(sources.reduce((n, s) => n + s.sizeBytes, 0), 'B', term.err) : noProgress;
      // One bar over all files: a file's progress counts from the bytes of the files before it.
      const offsets = new Map<LseFileToLoad, number>();
      let before = 0;
      for (const source of sources) {
        offsets.set(source, before);
        before += source.sizeBytes;
      }
      const progressOf = (source: LseFileToLoad): Progress => ({ update: (done, label) => bar.update(offsets.get(source)! + done, label), finish() {} });
      for await (const summary of ingest.loadFiles(sources, progressOf)) {
        bar.finish();
        failed ||= summary.fileCode !== null;
        term.out(json ? `${toJsonLine(summary)}\n` : describe(summary));
      }
    } finally {
      for (const source of sources) await source.cleanup();
    }
    return failed ? 1 : 0;
  },
};

/** The operator, or with --for the TDSP the operator loads for. */
async function uploaderFor(app: App, forTdsp: string | undefined): Promise<Uploader> {
  const osUser = operatorOsUser();
  if (forTdsp === undefined) return { kind: 'operator', osUser };
  const registry = await app.registry();
  const named = forTdsp.trim();
  if (/^\d+$/.test(named) && !isDuns(named)) readDunsOption(named, '--for');
  const participant = isDuns(named)
    ? await registry.findParticipantByDuns(named)
    : (await registry.listParticipants()).find((p) => p.name === named) ?? null;
  if (!participant || participant.kind !== 'TDSP') {
    throw new SmtError('INPUT_INVALID', `--for "${forTdsp}" is not a registered TDSP's name or DUNS (names are case-sensitive; smt entity list shows them)`);
  }
  return participantUploader(participant, isDuns(named) ? named : participant.duns[0], osUser);
}

/** Who runs the command, for the log; a container without a passwd entry still has a uid. */
function operatorOsUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Rejected records shown per result code; the rest are counted (the activity report and --json have them all). */
const SHOWN_PER_CODE = 3;

function describe(s: FileLoadSummary): string {
  const lines: string[] = [];
  if (s.fileCode) {
    lines.push(`${s.file}: REJECTED ${s.fileCode} (${FILE_CODES[s.fileCode]}): ${s.fileReason}`);
  } else {
    const stored = s.byCode['00'] ?? 0;
    const unchanged = s.byCode['08'] ?? 0;
    const rejectedCodes = Object.entries(s.byCode).filter(([code]) => code !== '00' && code !== '08') as [RecordCode, number][];
    const rejected = rejectedCodes.reduce((n, [, count]) => n + count, 0);
    const parts = [`read ${s.total} record(s)`, `stored ${stored}`, ...(unchanged > 0 ? [`unchanged ${unchanged} (08)`] : []),
      `rejected ${rejected}${rejected > 0 ? ` (${rejectedCodes.map(([code, n]) => `${code}: ${n}`).join(', ')})` : ''}`];
    const nothingChanged = s.total > 0 && unchanged === s.total ? ' (already loaded: nothing changed)' : '';
    lines.push(`${s.file}: ${parts.join(', ')}${nothingChanged}`);
    for (const [code, count] of rejectedCodes) {
      const examples = s.rejected.filter((r) => r.code === code).slice(0, SHOWN_PER_CODE);
      lines.push(`  ${code} (${RECORD_CODES[code]}): ${count} record(s)${count > examples.length ? `, e.g.` : ''}`);
      for (const r of examples) lines.push(`    line ${r.line}: ${r.esiid ?? '-'} ${r.operatingDay ?? '-'} ch ${r.channel ?? '-'}: ${r.reason}`);
      if (count > examples.length) lines.push(`    … and ${count - examples.length} more (every one is in the activity report, and in --json)`);
    }
  }
  if (s.reportPath) lines.push(`  activity report: ${s.reportPath}`);
  return `${lines.join('\n')}\n`;
}

