import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { cptTimestamp } from '../core/cpt';
import { SmtError } from '../core/errors';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files';
import { linkIntoPlace, PARTIAL_PREFIX } from './atomic-write';
import type { PublicKey } from './pgp';
import { ReportFilePipeline } from './report-file.pipeline';
import { isDuns } from '../registry/registry-formats';

export type ReportName = 'IntervalMeterUsage' | 'DailyMeterUsage' | 'MonthlyUsage';

export interface ReportFileSpec {
  /** e.g. <data>/ftps/<DUNS>/adhoc; created when missing. */
  folder: string;
  reportName: ReportName;
  /** Recipient DUNS; it ends the file name ('' for a plain zip). */
  duns: string;
  /** null: a plain zip, `<ReportName><yyyyMMddHHmmss><seq>.CSV.zip` (the portal's exports for customers and the regulator). */
  recipientKey: PublicKey | null;
  /** The CSV header line including its CRLF, repeated at the top of every file. */
  header: string;
  /** A file is finished once its CSV, header included, exceeds this; the next write starts a new one. */
  maxCsvBytes: number;
  /** Gives the yyyyMMddHHmmss of the names, in Central Prevailing Time. */
  createdAt: Date;
  /** Deflate level, 0-9; default 6. */
  compressionLevel?: number;
}

export interface DeliveredFile {
  fileName: string;
  path: string;
  records: number;
  csvBytes: number;
  bytes: number;
}

/** A finished file still under its partial name. */
export interface StagedReportFile extends DeliveredFile {
  partialPath: string;
}

const REPORT_NAMES: readonly ReportName[] = ['IntervalMeterUsage', 'DailyMeterUsage', 'MonthlyUsage'];
const MAX_SEQ = 999;

interface OpenFile {
  fileName: string;
  path: string;
  pipeline: ReportFilePipeline;
  bytes: number;
}

/**
 * Writes a report as one or more `<ReportName><yyyyMMddHHmmss><seq>.CSV.<DUNS>.asc` files (a zipped
 * CSV, encrypted and armored for the recipient). Split files stay under partial names until close()
 * has finished all of them, so a REP never sees part of a report, and abort() leaves nothing behind.
 */
export class ReportFileWriter {
  private readonly stamp: string;
  private readonly finished: OpenFile[] = [];
  private current: OpenFile | null = null;
  private nextSeq = 1;
  private failure: unknown;
  private closed = false;
  private inFlight: Promise<unknown> | null = null;

  constructor(private readonly spec: ReportFileSpec) {
    validate(spec);
    this.stamp = String(cptTimestamp(spec.createdAt));
  }

  /** Appends CSV text (or its UTF-8 bytes) holding `records` data rows; respects backpressure (await it). */
  write(csv: string | Uint8Array, records: number): Promise<void> {
    if (!Number.isInteger(records) || records < 0) {
      return Promise.reject(new SmtError('INPUT_INVALID', `records must be a non-negative integer, not ${records}`));
    }
    return this.step(async () => {
      const file = this.current ?? (await this.openNext());
      await file.pipeline.write(csv, records);
      if (file.pipeline.csvBytes > this.spec.maxCsvBytes) await this.finishCurrent();
    });
  }

  /** Finishes the current file(s); returns every delivered file, in order. An empty report still yields one file holding only the header. */
  async close(): Promise<DeliveredFile[]> {
    return this.step(async () => {
      const files = await this.finishAll();
      await publishAllOrNothing(files);
      return files.map(({ partialPath: _partial, ...file }) => file);
    });
  }

  /**
   * Like close(), but the files stay under their partial names until publishStaged(): a job can
   * record them first, so a crash between the two finishes publishing instead of redoing the report.
   * abort() still removes them.
   */
  closeStaged(): Promise<StagedReportFile[]> {
    return this.step(() => this.finishAll());
  }

  /** Removes every partial file; nothing appears under a final name. */
  async abort(): Promise<void> {
    this.failure ??= new Error(`${this.spec.reportName} report for ${this.spec.duns} was aborted`);
    // Wakes a write() blocked on backpressure, so the wait below ends.
    await this.current?.pipeline.abort();
    await this.inFlight?.catch(() => undefined);
    await this.discard();
  }

  /** Where a file's encrypted bytes are written; the file must not exist yet. */
  protected async openOutput(partialPath: string): Promise<Writable> {
    const handle = await fs.promises.open(partialPath, 'wx', PRIVATE_FILE_MODE);
    return handle.createWriteStream();
  }

  /** One write() or close() at a time; any failure discards every file of the report. */
  private async step<T>(work: () => Promise<T>): Promise<T> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new SmtError('INTERNAL', 'the report file writer is already closed');
    if (this.inFlight !== null) throw new SmtError('INTERNAL', 'await the previous write() before calling write() or close()');
    const run = work();
    this.inFlight = run;
    try {
      return await run;
    } catch (error) {
      this.failure ??= error;
      await this.discard();
      throw error;
    } finally {
      this.inFlight = null;
    }
  }

  private async openNext(): Promise<OpenFile> {
    await makePrivateDir(this.spec.folder);
    const { seq, fileName, finalPath, partialPath, output } = await this.reserveName();
    this.nextSeq = seq + 1;
    const pipeline = new ReportFilePipeline({
      entryName: this.entryName(seq),
      partialPath,
      output,
      recipientKey: this.spec.recipientKey,
      compressionLevel: this.spec.compressionLevel ?? 6,
      mtime: this.spec.createdAt,
    });
    this.current = { fileName, path: finalPath, pipeline, bytes: 0 };
    // abort() may have run while the file was being opened; it cannot have seen this one.
    if (this.failure !== undefined) throw this.failure;
    await pipeline.write(this.spec.header, 0);
    return this.current;
  }

  /**
   * The next free sequence number, reserved by creating its partial file exclusively: writers in
   * other processes (several workers sharing a server database) can never pick the same name.
   */
  private async reserveName() {
    for (let seq = this.nextSeq; seq <= MAX_SEQ; seq++) {
      const fileName = this.fileName(seq);
      const finalPath = path.join(this.spec.folder, fileName);
      if (await exists(finalPath)) continue;
      const partialPath = path.join(this.spec.folder, `${PARTIAL_PREFIX}${fileName}`);
      try {
        return { seq, fileName, finalPath, partialPath, output: await this.openOutput(partialPath) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new SmtError('CONFLICT', `${this.spec.folder} has no free sequence number left for ${this.fileName(1)}`);
  }

  private async finishCurrent(): Promise<void> {
    const file = this.current;
    if (file === null) return;
    file.bytes = await file.pipeline.finish();
    this.finished.push(file);
    this.current = null;
  }

  private async finishAll(): Promise<StagedReportFile[]> {
    this.closed = true;
    if (this.current === null && this.finished.length === 0) await this.openNext();
    await this.finishCurrent();
    return this.finished.map((file) => ({
      fileName: file.fileName,
      path: file.path,
      partialPath: file.pipeline.partialPath,
      records: file.pipeline.records,
      csvBytes: file.pipeline.csvBytes,
      bytes: file.bytes,
    }));
  }

  private async discard(): Promise<void> {
    const files = [...this.finished, ...(this.current ? [this.current] : [])];
    this.current = null;
    await Promise.all(files.map((file) => file.pipeline.abort()));
  }

  private entryName(seq: number): string {
    return `${this.spec.reportName}${this.stamp}${String(seq).padStart(3, '0')}.CSV`;
  }

  private fileName(seq: number): string {
    return this.spec.recipientKey === null ? `${this.entryName(seq)}.zip` : `${this.entryName(seq)}.${this.spec.duns}.asc`;
  }
}

/**
 * Renames staged files to their final names, in order. Safe to repeat after a crash: a file already
 * under its final name is skipped. Never replaces a file that is not its own.
 */
export async function publishStaged(files: ReadonlyArray<Pick<StagedReportFile, 'partialPath' | 'path'>>): Promise<void> {
  for (const file of files) await publishOne(file.partialPath, file.path);
}

/** If one rename fails, the files already renamed are taken back: a REP gets the whole report or nothing. */
async function publishAllOrNothing(files: readonly StagedReportFile[]): Promise<void> {
  const published: string[] = [];
  try {
    for (const file of files) {
      await publishOne(file.partialPath, file.path);
      published.push(file.path);
    }
  } catch (error) {
    await Promise.all(published.map((p) => fs.promises.rm(p, { force: true })));
    throw error;
  }
}

/** Publishes without replacing anything (see linkIntoPlace), and completes a publish a crash cut short. */
async function publishOne(partialPath: string, finalPath: string): Promise<void> {
  let linked: boolean;
  try {
    linked = await linkIntoPlace(partialPath, finalPath);
  } catch (error) {
    // The partial file is gone but the final one is there: published before a crash.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await statOf(finalPath))) return;
    throw error;
  }
  if (!linked) {
    // Linked before a crash that came ahead of the unlink: the final name is this very file.
    const [partial, final] = await Promise.all([statOf(partialPath), statOf(finalPath)]);
    if (partial?.ino !== final?.ino || partial?.dev !== final?.dev) throw new SmtError('CONFLICT', `${finalPath} already exists; the report file was not published`);
  }
  await fs.promises.rm(partialPath, { force: true });
}

function statOf(filePath: string): Promise<fs.Stats | null> {
  return fs.promises.stat(filePath).then(
    (stats) => stats,
    () => null,
  );
}

function validate(spec: ReportFileSpec): void {
  const invalid = (message: string): never => {
    throw new SmtError('INPUT_INVALID', message);
  };
  if (!REPORT_NAMES.includes(spec.reportName)) invalid(`unknown report name ${JSON.stringify(spec.reportName)}`);
  if (spec.recipientKey !== null && !isDuns(spec.duns)) invalid(`DUNS must be 9 or 13 digits, not ${JSON.stringify(spec.duns)}`);
  if (!spec.header.endsWith('\r\n')) invalid('the CSV header must end with CRLF');
  if (!(spec.maxCsvBytes > 0)) invalid(`maxCsvBytes must be positive, not ${spec.maxCsvBytes}`);
  const level = spec.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) invalid(`compressionLevel must be 0-9, not ${level}`);
  if (Number.isNaN(spec.createdAt.getTime())) invalid('createdAt is not a valid date');
}

async function exists(file: string): Promise<boolean> {
  return fs.promises.access(file).then(() => true, () => false);
}
