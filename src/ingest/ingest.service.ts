import type { Logger } from '../core/logger';
import { cptTimestamp, cptToday } from '../core/cpt';
import { historyStart } from '../usage/report-request.rules';
import { noProgress, type Progress } from '../core/progress';
import { activityReportPath, writeActivityReport } from './activity-report';
import type { IngestStore } from './ingest.store';
import type { FileLoadSummary } from './ingest-result';
import { LseFileLoader, RegistryCache } from './lse.loader';
import type { LseParserPool } from './lse-parser.thread';
import type { LseFileOutcome, LseRecord } from './lse-record';
import { decodeRecordBatch, loadableDayChannels, type LseRecordBatch } from './lse-record.batch';
import { senderBinding, uploaderLogFields, type Uploader } from './uploader';

export interface IngestServiceOptions {
  ftpsRoot: string;
  batchRecords: number;
  /** Runs once a file's transaction committed, before its activity report is written (VEE adds its section). */
  afterCommit?: (fileId: number, summary: FileLoadSummary, load: StoredLoad) => Promise<void>;
}

/** What a committed file stored: its records, and those that replaced an older stored version. */
export interface StoredLoad {
  stored: readonly LseRecord[];
  replacing: ReadonlySet<LseRecord>;
}

/** A plain LSE file ready to parse, and the name it is reported under. */
export interface LseFileToLoad {
  displayName: string;
  lsePath: string;
  sizeBytes: number;
}

const CACHED_ESIIDS = 2_000_000;

/**
 * Loads LSE files: parse in a thread, decide and write each batch in the file's transaction,
 * then file the activity report in the uploader's folder. Every file is loaded for an uploader
 * (see uploader.ts): its records may only name the uploader's own DUNS as sender.
 */
export class IngestService {
  constructor(
    private readonly store: IngestStore,
    /** As many files as it has threads are parsed ahead of the one loading, each in its own. */
    private readonly parsers: LseParserPool,
    private readonly logger: Logger,
    private readonly options: IngestServiceOptions,
  ) {}

  /** Marks loads a crashed process left half-way (their records were rolled back). */
  async recoverInterrupted(): Promise<void> {
    const n = await this.store.markInterrupted();
    if (n > 0) this.logger.warn('ingest: loads interrupted by a crash were rolled back; load those files again', { files: n });
  }

  /**
   * Files loaded through one run share registry look-ups; start a new run for each batch of work.
   * Every file of the run is loaded for `uploader`, who comes from the channel the files arrived on.
   */
  newRun(uploader: Uploader): IngestRun {
    const cache = new RegistryCache();
    const service = this;
    return {
      loadFile: (file, progress = noProgress, at = new Date()) => this.loadFile(file, uploader, cache, progress, at, this.parseWhole(file, at, progress)),
      loadFiles: async function* (files, progress = () => noProgress, at = () => new Date()) {
        // The next files are parsed, each in a thread of its own, while this one loads on the main thread.
        const parsing = new Map<number, Promise<ParsedFile>>();
        const parse = (i: number) => void (i < files.length && parsing.set(i, service.parseWhole(files[i], at(), progress(files[i]))));
        for (let i = 0; i < service.parsers.size; i++) parse(i);
        for (let i = 0; i < files.length; i++) {
          const parsed = parsing.get(i)!;
          parsing.delete(i);
          await parsed.catch(() => undefined);
          parse(i + service.parsers.size);
          yield await service.loadFile(files[i], uploader, cache, progress(files[i]), at(), parsed);
        }
      },
    };
  }

  private async loadFile(file: LseFileToLoad, uploader: Uploader, cache: RegistryCache, progress: Progress, at: Date, parsing: Promise<ParsedFile>): Promise<FileLoadSummary> {
    cache.trim(CACHED_ESIIDS);
    const startedAt = at.toISOString();
    const fileId = await this.store.startFile(file.displayName, startedAt);
    // Sender DUNS are few; reading them per file makes a newly registered TDSP effective at once.
    const senders = senderBinding(uploader, await this.store.tdspDuns());
    // Reports can only ask for days within the history kept: older records would never be served.
    const oldestDay = historyStart('INTERVAL', cptToday(at));
    const parsed = await parsing;
    // The whole file is parsed before its transaction opens: on the embedded database nothing in
    // the transaction waits for I/O, so no other work of this process (which would block on the
    // write lock) can run while the file holds it. At most 50,000 records are held (F1 above that).
    let load: StoredLoad = { stored: [], replacing: new Set() };
    const summary = await this.store.inTransaction(async (tx) => {
      const loader = new LseFileLoader(tx, fileId, senders, oldestDay, cache);
      await tx.foreseeDays?.(loadableDayChannels(parsed.batches));
      for (const batch of parsed.batches) await loader.load(decodeRecordBatch(batch));
      load = loader;
      const s = this.summarize(file, uploader, loader, parsed.outcome, startedAt);
      s.reportPath = this.reportPathFor(s, uploader);
      if (s.fileCode) throw new FileRejected(s);
      await loader.saveStretches();
      await tx.finishFile(fileId, s);
      return s;
    }).catch(async (error) => {
      cache.clear();
      if (!(error instanceof FileRejected)) throw error;
      await this.store.failFile(fileId, error.summary);
      return error.summary;
    });
    if (summary.status === 'loaded') await this.options.afterCommit?.(fileId, summary, load);
    if (summary.reportPath) summary.reportPath = await writeActivityReport(summary.reportPath, summary);
    this.logger.info('ingest: file processed', {
      file: summary.file, ...uploaderLogFields(uploader), senderDuns: summary.senderDuns, status: summary.status, fileCode: summary.fileCode,
      total: summary.total, byCode: summary.byCode, reportPath: summary.reportPath,
    });
    return summary;
  }

  /**
   * A file that could not even be opened (not decryptable with the platform key, a broken zip, too
   * large) is answered like any rejected file: recorded as F2 with the reason, and an activity report
   * in the uploader's reports/ folder, so the sender learns what to fix.
   */
  async rejectUnopened(displayName: string, uploader: Uploader, reason: string, at = new Date()): Promise<FileLoadSummary> {
    const startedAt = at.toISOString();
    const fileId = await this.store.startFile(displayName, startedAt);
    const summary: FileLoadSummary = {
      file: displayName, senderDuns: uploader.kind === 'participant' ? uploader.folderDuns : null, status: 'rejected', fileCode: 'F2', fileReason: `the file could not be opened: ${reason}`, total: 0,
      firstDay: null, lastDay: null, byCode: {}, rejected: [], startedAt, finishedAt: new Date().toISOString(), reportPath: null,
    };
    summary.reportPath = this.reportPathFor(summary, uploader);
    await this.store.failFile(fileId, summary);
    if (summary.reportPath) summary.reportPath = await writeActivityReport(summary.reportPath, summary);
    this.logger.warn('ingest: file could not be opened', { file: displayName, ...uploaderLogFields(uploader), reason });
    return summary;
  }

  private async parseWhole(file: LseFileToLoad, at: Date, progress: Progress): Promise<ParsedFile> {
    let outcome: LseFileOutcome = { totalRecords: 0, fileCode: null, fileReason: null };
    const batches: LseRecordBatch[] = [];
    for await (const parsed of this.parsers.next().parse(file.lsePath, cptTimestamp(at), this.options.batchRecords, (o) => (outcome = o))) {
      batches.push(parsed.batch);
      progress.update(parsed.bytesRead, file.displayName);
    }
    return { batches, outcome };
  }

  private summarize(file: LseFileToLoad, uploader: Uploader, loader: LseFileLoader, outcome: LseFileOutcome, startedAt: string): FileLoadSummary {
    const rejectedFile = outcome.fileCode !== null;
    return {
      file: file.displayName,
      // Never the file's name: it is the uploader's to choose. A participant's file with no record
      // loaded counts as its own (a refused sender is not credited with having sent anything).
      senderDuns: uploader.kind === 'participant' && (rejectedFile || !loader.loadedAny) ? uploader.folderDuns : loader.senderDuns,
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

  /**
   * The activity report goes to the uploader's reports/ folder, whatever the file's name or its
   * records' sender say. An operator's load has no folder: its report is in the database and printed.
   */
  private reportPathFor(s: FileLoadSummary, uploader: Uploader): string | null {
    return uploader.kind === 'participant' ? activityReportPath(this.options.ftpsRoot, uploader.folderDuns, s) : null;
  }
}

export interface IngestRun {
  loadFile(file: LseFileToLoad, progress?: Progress, at?: Date): Promise<FileLoadSummary>;
  /** Loads files in order, parsing each next one while the current one loads. */
  loadFiles(files: LseFileToLoad[], progress?: (file: LseFileToLoad) => Progress, at?: () => Date): AsyncGenerator<FileLoadSummary>;
}

interface ParsedFile {
  batches: LseRecordBatch[];
  outcome: LseFileOutcome;
}

/** Unwinds a file's transaction when the file is rejected as a whole (F1, F2). */
class FileRejected extends Error {
  constructor(readonly summary: FileLoadSummary) {
    super(`file rejected: ${summary.fileCode}`);
  }
}
