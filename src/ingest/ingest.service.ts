import path from 'node:path';
import type { Logger } from '../core/logger';
import { cptTimestamp } from '../core/cpt';
import { noProgress, type Progress } from '../core/progress';
import { writeActivityReport } from './activity-report';
import type { IngestStore } from './ingest.store';
import type { FileLoadSummary } from './ingest-result';
import { LseFileLoader, RegistryCache } from './lse.loader';
import type { LseParserThread } from './lse-parser.thread';
import type { LseFileOutcome } from './lse-record';

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
    return { loadFile: (file, progress = noProgress, at = new Date()) => this.loadFile(file, cache, progress, at) };
  }

  private async loadFile(file: LseFileToLoad, cache: RegistryCache, progress: Progress, at: Date): Promise<FileLoadSummary> {
    cache.trim(CACHED_ESIIDS);
    const startedAt = at.toISOString();
    const fileId = await this.store.startFile(file.displayName, startedAt);
    // Sender DUNS are few; reading them per file makes a newly registered TDSP effective at once.
    const tdsps = await this.store.tdspDuns();
    let outcome: LseFileOutcome = { totalRecords: 0, fileCode: null, fileReason: null };
    const summary = await this.store.inTransaction(async (tx) => {
      const loader = new LseFileLoader(tx, fileId, tdsps, cache);
      const batches = this.parser().parse(file.lsePath, cptTimestamp(at), this.options.batchRecords, (o) => (outcome = o));
      for await (const batch of batches) {
        await loader.load(batch.records);
        progress.update(batch.bytesRead, file.displayName);
      }
      const s = this.summarize(file, loader, outcome, startedAt);
      if (s.fileCode) throw new FileRejected(s);
      await loader.finish();
      await this.fileReport(s, tdsps);
      await tx.finishFile(fileId, s);
      return s;
    }).catch(async (error) => {
      cache.clear();
      if (!(error instanceof FileRejected)) throw error;
      await this.fileReport(error.summary, tdsps);
      await this.store.failFile(fileId, error.summary);
      return error.summary;
    });
    this.logger.info('ingest: file processed', {
      file: summary.file, status: summary.status, fileCode: summary.fileCode, total: summary.total, byCode: summary.byCode,
    });
    return summary;
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

  /** Files the report in the sender's folder when the sender is a registered TDSP. */
  private async fileReport(s: FileLoadSummary, tdsps: ReadonlySet<string>): Promise<void> {
    if (!s.senderDuns || !tdsps.has(s.senderDuns)) return;
    s.reportPath = await writeActivityReport(this.options.ftpsRoot, s.senderDuns, s);
  }
}

export interface IngestRun {
  loadFile(file: LseFileToLoad, progress?: Progress, at?: Date): Promise<FileLoadSummary>;
}

/** Unwinds a file's transaction when the file is rejected as a whole (F1, F2). */
class FileRejected extends Error {
  constructor(readonly summary: FileLoadSummary) {
    super(`file rejected: ${summary.fileCode}`);
  }
}
