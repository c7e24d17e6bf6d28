import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { SmtError, errorMessage, isSmtError } from '../core/errors';
import { makePrivateDir } from '../core/private-files';
import type { PrivateKey } from '../delivery/pgp';

/** One plain LSE file ready to parse, wherever it came from (a folder, a zip, a PGP message). */
export interface LseSource {
  /** The name users see, with `!` marking each container, e.g. `a.zip.pgp!a.lse`. */
  displayName: string;
  lsePath: string;
  sizeBytes: number;
  /** Removes what openLseInput extracted; a no-op for files used in place. */
  cleanup(): Promise<void>;
}

export interface LseInputOptions {
  platformKey: PrivateKey;
  maxFileBytes: number;
  tempDir: string;
}

const MAX_ZIP_ENTRIES = 1000;
/** Interval text deflates about 10:1; far beyond that an entry is more likely a zip bomb than data. */
const MAX_COMPRESSION_RATIO = 200;
/** Tiny entries can have odd ratios and cannot hurt; only large expansions are refused. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
const PGP_SUFFIX = /\.(pgp|gpg|asc)$/i;
const ZIP_SUFFIX = /\.zip$/i;
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const SYMLINK_MODE = 0o120000;

/** SMT's rule for LSE names: `.lse` somewhere in the name (text may follow it), never `csv`. */
export function isLseFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes('.lse') && !lower.includes('csv');
}

/** Whether a name looks like an ingest input at all: LSE, zip or PGP. */
export function isInputFileName(name: string): boolean {
  return isLseFileName(name) || ZIP_SUFFIX.test(name) || PGP_SUFFIX.test(name);
}

/**
 * Files named on the command line, with folders expanded in a stable, name-sorted order. Inside
 * folders, files that are no ingest input (a README) are listed in `skipped` for the caller to
 * report; a file named explicitly is always kept, so a wrong name gets its own clear error.
 */
export async function expandInputPaths(paths: string[]): Promise<{ files: string[]; skipped: string[] }> {
  const files: string[] = [];
  const skipped: string[] = [];
  for (const given of paths) {
    const stat = await statOrExplain(given);
    if (!stat.isDirectory()) {
      files.push(given);
      continue;
    }
    for (const file of await walkFolder(given)) (isInputFileName(path.basename(file)) ? files : skipped).push(file);
  }
  return { files, skipped };
}

async function walkFolder(dir: string): Promise<string[]> {
  const entries = (await fs.promises.readdir(dir, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walkFolder(full)));
    else if (entry.isFile()) files.push(full);
    // Linked folders are not followed, so a link back up the tree cannot loop forever.
    else if (entry.isSymbolicLink() && !(await isFolder(full))) files.push(full);
  }
  return files;
}

const isFolder = async (filePath: string): Promise<boolean> =>
  (await fs.promises.stat(filePath).catch(() => null))?.isDirectory() ?? false;

async function statOrExplain(filePath: string): Promise<fs.Stats> {
  try {
    return await fs.promises.stat(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or folder' : errorMessage(error);
    throw new SmtError('FILE_UNREADABLE', `${filePath}: ${reason}`);
  }
}

/**
 * Turns one input file into the LSE files inside it. Extracted and decrypted copies go to
 * tempDir under generated names (never names taken from the file), and are removed on error.
 */
export async function openLseInput(filePath: string, options: LseInputOptions): Promise<LseSource[]> {
  const name = path.basename(filePath);
  const stat = await statOrExplain(filePath);
  if (!stat.isFile()) throw new SmtError('FILE_UNREADABLE', `${filePath}: not a file`);
  if (stat.size > options.maxFileBytes) throw tooLarge(`${name}: ${stat.size} bytes is`, options.maxFileBytes);
  if (PGP_SUFFIX.test(name)) return openEncrypted(filePath, name, options);
  if (ZIP_SUFFIX.test(name)) return extractLseEntries(filePath, name, options);
  if (isLseFileName(name)) {
    return [{ displayName: name, lsePath: filePath, sizeBytes: stat.size, cleanup: async () => {} }];
  }
  throw new SmtError('FILE_UNREADABLE', `${name}: not an LSE input (expected .lse, .zip, .pgp, .gpg or .asc)`);
}

async function openEncrypted(filePath: string, name: string, options: LseInputOptions): Promise<LseSource[]> {
  const decrypted = await newTempPath(options.tempDir);
  let keep = false;
  try {
    // openpgp is loaded for encrypted inputs only: the commands that never meet one start faster.
    const { decryptToFile } = await import('../delivery/pgp');
    const { bytes } = await decryptToFile(filePath, decrypted, options.platformKey, {
      maxBytes: options.maxFileBytes,
      displayName: name,
    });
    // Senders zip before encrypting but do not always say so in the name, so the bytes decide.
    if (await startsWith(decrypted, ZIP_MAGIC)) return await extractLseEntries(decrypted, name, options);
    const innerName = name.replace(PGP_SUFFIX, '');
    if (!isLseFileName(innerName)) {
      const reason = `"${innerName}" is not an LSE name (it must contain .lse and not csv)`;
      throw new SmtError('FILE_UNREADABLE', `${name}: decrypted content is not a zip, and ${reason}`);
    }
    keep = true;
    return [tempSource(name, decrypted, bytes)];
  } finally {
    if (!keep) await removeQuietly(decrypted);
  }
}

async function extractLseEntries(zipPath: string, zipName: string, options: LseInputOptions): Promise<LseSource[]> {
  const extracted: LseSource[] = [];
  const ignored: string[] = [];
  let zip: yauzl.ZipFile | null = null;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      throw new SmtError('ZIP_INVALID', `${zipName}: the zip holds ${zip.entryCount} entries; at most ${MAX_ZIP_ENTRIES} are accepted`);
    }
    let total = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const isSymlink = ((entry.externalFileAttributes >>> 16) & 0o170000) === SYMLINK_MODE;
      if (isSymlink || !isLseFileName(entry.fileName.split('/').pop() ?? '')) {
        ignored.push(entry.fileName);
        continue;
      }
      const displayName = `${zipName}!${entry.fileName}`;
      const budget = options.maxFileBytes - total;
      if (entry.uncompressedSize > budget) throw tooLarge(`${zipName}: the .lse entries expand to`, options.maxFileBytes);
      if (isBomb(entry.uncompressedSize, entry.compressedSize)) throw bomb(displayName);
      const target = await newTempPath(options.tempDir);
      const input = await zip.openReadStreamPromise(entry);
      const bytes = await extractEntry(input, entry, target, { budget, displayName, maxFileBytes: options.maxFileBytes });
      total += bytes;
      extracted.push(tempSource(displayName, target, bytes));
    }
    if (extracted.length === 0) {
      throw new SmtError('ZIP_INVALID', `${zipName}: the zip holds no .lse file (entries: ${listNames(ignored)})`);
    }
    return extracted;
  } catch (error) {
    await Promise.all(extracted.map((source) => source.cleanup()));
    throw zipError(error, zipName);
  } finally {
    zip?.close();
  }
}

/** Counts real bytes: a zip's headers are the sender's claims, and bombs lie in them. */
async function extractEntry(
  input: Readable,
  entry: yauzl.Entry,
  target: string,
  limits: { budget: number; displayName: string; maxFileBytes: number },
): Promise<number> {
  const { budget, displayName, maxFileBytes } = limits;
  let bytes = 0;
  let crc = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      crc = zlib.crc32(chunk, crc);
      if (bytes > budget) return callback(tooLarge(`${displayName}: the .lse entries expand to`, maxFileBytes));
      if (isBomb(bytes, entry.compressedSize)) return callback(bomb(displayName));
      callback(null, chunk);
    },
    flush(callback) {
      // yauzl does not check CRCs; a damaged entry would otherwise load as wrong numbers.
      const damaged = crc >>> 0 !== entry.crc32 >>> 0;
      callback(damaged ? new SmtError('ZIP_INVALID', `${displayName}: CRC check failed (damaged zip)`) : null);
    },
  });
  try {
    await pipeline(input, counter, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    return bytes;
  } catch (error) {
    await removeQuietly(target);
    throw error;
  }
}

function isBomb(uncompressed: number, compressed: number): boolean {
  return uncompressed > RATIO_FLOOR_BYTES && uncompressed > compressed * MAX_COMPRESSION_RATIO;
}

function bomb(displayName: string): SmtError {
  return new SmtError('ZIP_INVALID', `${displayName}: expands more than ${MAX_COMPRESSION_RATIO} times its compressed size (refused as a likely zip bomb)`);
}

function tooLarge(subject: string, maxBytes: number): SmtError {
  return new SmtError('FILE_TOO_LARGE', `${subject} more than the ${maxBytes}-byte limit (SMT_INGEST_MAX_FILE_MB)`, { maxBytes });
}

/** Everything but our own errors and system calls failing (a full disk) is the zip's fault. */
function zipError(error: unknown, zipName: string): unknown {
  if (isSmtError(error) || (error as NodeJS.ErrnoException).syscall) return error;
  return new SmtError('ZIP_INVALID', `${zipName}: corrupt or unsafe zip (${errorMessage(error)})`);
}

function listNames(names: string[]): string {
  const more = names.length > 10 ? ` and ${names.length - 10} more` : '';
  return names.length === 0 ? 'none' : names.slice(0, 10).join(', ') + more;
}

const tempSource = (displayName: string, lsePath: string, sizeBytes: number): LseSource => ({
  displayName, lsePath, sizeBytes, cleanup: () => removeQuietly(lsePath),
});

async function newTempPath(tempDir: string): Promise<string> {
  await makePrivateDir(tempDir);
  return path.join(tempDir, `smt-input-${randomUUID()}.tmp`);
}

async function startsWith(filePath: string, prefix: Buffer): Promise<boolean> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const head = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === prefix.length && head.equals(prefix);
  } finally {
    await handle.close();
  }
}

const removeQuietly = (filePath: string): Promise<void> => fs.promises.rm(filePath, { force: true });
