import fs from 'node:fs';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encryptFileStream, type PublicKey } from './pgp';
import { zipEntryStream } from './zip-entry.stream';

export interface ReportFilePipelineOptions {
  /** The CSV's name inside the zip. */
  entryName: string;
  /** Where the encrypted bytes go; `output` already writes there. */
  partialPath: string;
  output: Writable;
  /** null: the zip is written as it is (no encryption). */
  recipientKey: PublicKey | null;
  compressionLevel: number;
  mtime: Date;
}

/** Larger than the 16 KiB default so that 1 MB caller chunks rarely wait for a drain. */
const CSV_HIGH_WATER_MARK = 1024 * 1024;

/**
 * One delivered file while it is written: CSV text → zip entry → OpenPGP, ASCII-armored → partial
 * file. Every stage streams, so memory does not grow with the report.
 */
export class ReportFilePipeline {
  records = 0;
  csvBytes = 0;
  readonly partialPath: string;
  private readonly csv = new PassThrough({ highWaterMark: CSV_HIGH_WATER_MARK });
  private readonly zipOutput: Readable;
  private readonly output: Writable;
  private readonly done: Promise<void>;
  private failure: unknown;
  /** Wakes a write() waiting for a drain when the pipeline fails instead. */
  private wake: ((error: unknown) => void) | null = null;

  constructor(options: ReportFilePipelineOptions) {
    this.partialPath = options.partialPath;
    this.output = options.output;
    // A failure of the zip stage (or of the CSV feeding it) ends this stream, which the encryption stage sees.
    this.zipOutput = zipEntryStream(this.csv, { name: options.entryName, compressionLevel: options.compressionLevel, mtime: options.mtime });
    this.done = options.recipientKey === null ? pipeline(this.zipOutput, this.output) : encryptFileStream(this.zipOutput, this.output, options.recipientKey, { armor: true });
    this.done.catch((error: unknown) => this.fail(error));
  }

  /** Resolves once the stream can take more; rejects as soon as any stage has failed. */
  async write(text: string | Uint8Array, records: number): Promise<void> {
    this.throwIfFailed();
    // A view, not a copy: CSV built in another thread arrives as a Uint8Array.
    const bytes = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    this.records += records;
    this.csvBytes += bytes.length;
    if (bytes.length > 0 && !this.csv.write(bytes)) await this.drained();
    this.throwIfFailed();
  }

  /** Ends the CSV and waits until the last encrypted byte is on disk; returns the file's size. */
  async finish(): Promise<number> {
    this.throwIfFailed();
    this.csv.end();
    await this.done;
    return (await fs.promises.stat(this.partialPath)).size;
  }

  /** Stops every stage and deletes the partial file; safe to call at any point, and more than once. */
  async abort(reason: Error = new Error('report file aborted')): Promise<void> {
    this.fail(reason);
    this.zipOutput.destroy(reason);
    this.csv.destroy();
    this.output.destroy();
    await this.done.catch(() => undefined);
    await fs.promises.rm(this.partialPath, { force: true });
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.wake = null;
        resolve();
      };
      this.csv.once('drain', onDrain);
      this.wake = (error) => {
        this.csv.off('drain', onDrain);
        this.wake = null;
        reject(error);
      };
    });
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    // encrypt() can throw before its pipeline ever owns the output (a key that cannot encrypt).
    this.output.destroy();
    this.wake?.(error);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
