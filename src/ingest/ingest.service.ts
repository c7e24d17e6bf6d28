import path from 'node:path';
import type { Logger } from '../core/logger';
import { cptTimestamp } from '../core/cpt';
import { noProgress, type Progress } from '../core/progress';
import { activityReportPath, writeActivityReport } from './activity-report';
import type { IngestStore } from './ingest.store';
import type { FileLoadSummary } from './ingest-result';
import { LseFileLoader, RegistryCache } from './lse.loader';
import type { LseParserThread } from './lse-parser.thread';
import type { LseFileOutcome, LseRecord } from './lse-record';

export interface IngestServiceOptions {
  ftpsRoot: string;
  batchRecords: number;
}

/** A plain LSE file ready to parse, and the name it is reported under. */
export interface LseFileToLoad {
  displayName: string;
  lsePath: string;
  sizeBytes: number;
}

const CACHED_ESIIDS = 2_000_000;
const FILE_NAME_DUNS = /^(\d{9}(?:\d{4})?)IntervalData/;

/**
 * Loads LSE files: parse in a thread, decide and write each batch in the file's transaction,
 * then file the activity report in the sending TDSP's folder.
 */
export class IngestService {
  constructor(
    private readonly store: IngestStore,
    private readonly parser: () => LseParserThread,
    private readonly logger: Logger,
    private readonly options: IngestServiceOptions,
  ) {}

  /** Marks loads a crashed process left half-way (their records were rolled back). */
  async recoverInterrupted(): Promise<void> {
    const n = await this.store.markInterrupted();
    if (n > 0) this.logger.warn('ingest: loads interrupted by a crash were rolled back; load those files again', { files: n });
  }

  /** Files loaded through one run share registry look-ups; start a new run for each batch of work. */
  newRun(): IngestRun {
    const cache = new RegistryCache();
    const service = this;
    return {
      loadFile: (file, progress = noProgress, at = new Date()) => this.loadFile(file, cache, progress, at, this.parseWhole(file, at, progress)),
      loadFiles: async function* (files, progress = () => noProgress, at = () => new Date()) {
        // The next file is parsed in its thread while this one loads on the main thread.
        const parse = (i: number) => (i < files.length ? service.parseWhole(files[i], at(), progress(files[i])) : null);
        let next = parse(0);
        for (let i = 0; i < files.length; i++) {
          const parsing = next!;
          await parsing.catch(() => undefined);
          next = parse(i + 1);
          yield await service.loadFile(files[i], cache, progress(files[i]), at(), parsing);
        }
      },
    };
  }

  private async loadFile(file: LseFileToLoad, cache: RegistryCache, progress: Progress, at: Date, parsing: Promise<ParsedFile>): Promise<FileLoadSummary> {
    cache.trim(CACHED_ESIIDS);
    const startedAt = at.toISOString();
    const fileId = await this.store.startFile(file.displayName, startedAt);
    // Sender DUNS are few; reading them per file makes a newly registered TDSP effective at once.
    const tdsps = await this.store.tdspDuns();
    const parsed = await parsing;
    // The whole file is parsed before its transaction opens: on the embedded database nothing in
    // the transaction waits for I/O, so no other work of this process (which would block on the
    // write lock) can run while the file holds it. At most 50,000 records are held (F1 above that).
    const summary = await this.store.inTransaction(async (tx) => {
      const loader = new LseFileLoader(tx, fileId, tdsps, cache);
      for (const records of parsed.batches) await loader.load(records);
      const s = this.summarize(file, loader, parsed.outcome, startedAt);
      s.reportPath = this.reportPathFor(s, tdsps);
      if (s.fileCode) throw new FileRejected(s);
      await loader.finish();
      await tx.finishFile(fileId, s);
      return s;
    }).catch(async (error) => {
      cache.clear();
      if (!(error instanceof FileRejected)) throw error;
      await this.store.failFile(fileId, error.summary);
      return error.summary;
    });
    if (summary.reportPath) await writeActivityReport(summary.reportPath, summary);
    this.logger.info('ingest: file processed', {
      file: summary.file, status: summary.status, fileCode: summary.fileCode, total: summary.total, byCode: summary.byCode,
    });
    return summary;
  }

  /**
   * A file that could not even be opened (not decryptable with the platform key, a broken zip, too
   * large) is answered like any rejected file: recorded as F2 with the reason, and an activity report
   * in the sending TDSP's reports/ folder, so the sender learns what to fix.
   */
  async rejectUnopened(displayName: string, senderDuns: string, reason: string, at = new Date()): Promise<FileLoadSummary> {
    const startedAt = at.toISOString();
    const fileId = await this.store.startFile(displayName, startedAt);
    const summary: FileLoadSummary = {
      file: displayName, senderDuns, status: 'rejected', fileCode: 'F2', fileReason: `the file could not be opened: ${reason}`, total: 0,
      firstDay: null, lastDay: null, byCode: {}, rejected: [], startedAt, finishedAt: new Date().toISOString(), reportPath: null,
    };
    summary.reportPath = this.reportPathFor(summary, await this.store.tdspDuns());
    await this.store.failFile(fileId, summary);
    if (summary.reportPath) await writeActivityReport(summary.reportPath, summary);
    this.logger.warn('ingest: file could not be opened', { file: displayName, senderDuns, reason });
    return summary;
  }

  private async parseWhole(file: LseFileToLoad, at: Date, progress: Progress): Promise<ParsedFile> {
    let outcome: LseFileOutcome = { totalRecords: 0, fileCode: null, fileReason: null };
    const batches: LseRecord[][] = [];
    for await (const batch of this.parser().parse(file.lsePath, cptTimestamp(at), this.options.batchRecords, (o) => (outcome = o))) {
      batches.push(batch.records);
      progress.update(batch.bytesRead, file.displayName);
    }
    return { batches, outcome };
  }

  private summarize(file: LseFileToLoad, loader: LseFileLoader, outcome: LseFileOutcome, startedAt: string): FileLoadSummary {
    const rejectedFile = outcome.fileCode !== null;
    return {
      file: file.displayName,
      senderDuns: FILE_NAME_DUNS.exec(path.basename(file.displayName))?.[1] ?? loader.senderDuns,
      status: rejectedFile ? 'rejected' : 'loaded',
      fileCode: outcome.fileCode,
      fileReason: outcome.fileReason,
      total: outcome.totalRecords,
      firstDay: rejectedFile ? null : loader.firstDay,
      lastDay: rejectedFile ? null : loader.lastDay,
      byCode: rejectedFile ? {} : loader.counts(),
      rejected: rejectedFile ? [] : loader.rejected,
      startedAt,
      finishedAt: new Date().toISOString(),
      reportPath: null,
    };
  }

  /** The activity report goes to the sender's reports/ folder when the sender is a registered TDSP. */
  private reportPathFor(s: FileLoadSummary, tdsps: ReadonlySet<string>): string | null {
    return s.senderDuns && tdsps.has(s.senderDuns) ? activityReportPath(this.options.ftpsRoot, s.senderDuns, s) : null;
  }
}

export interface IngestRun {
  loadFile(file: LseFileToLoad, progress?: Progress, at?: Date): Promise<FileLoadSummary>;
  /** Loads files in order, parsing each next one while the current one loads. */
  loadFiles(files: LseFileToLoad[], progress?: (file: LseFileToLoad) => Progress, at?: () => Date): AsyncGenerator<FileLoadSummary>;
}

interface ParsedFile {
  batches: LseRecord[][];
  outcome: LseFileOutcome;
}

/** Unwinds a file's transaction when the file is rejected as a whole (F1, F2). */
class FileRejected extends Error {
  constructor(readonly summary: FileLoadSummary) {
    super(`file rejected: ${summary.fileCode}`);
  }
}
