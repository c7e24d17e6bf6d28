import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../core/private-files';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import { linkIntoPlace, partialPathFor } from '../atomic-write';
import { FtpReplyError } from './ftp-protocol';
import { childFolders, isServableName, resolveVirtualPath, type VirtualTarget } from './virtual-path';

export interface ListEntry {
  name: string;
  type: 'dir' | 'file';
  size: number;
  modified: Date;
  /** RFC 3659 perm fact: what the account may do with the entry. */
  perm: string;
}

type FolderTarget = Extract<VirtualTarget, { kind: 'folder' | 'file' }>;

/** Never follows a symlink at the last step, and opens nothing that could block (a FIFO someone left). */
const OPEN_READ = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
const OPEN_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);

/**
 * One login's view of <ftpsRoot>/<DUNS>/<folder>/<file>. Real paths are only ever built from a
 * resolved VirtualTarget, every folder on the way must be a real directory (not a symlink) and
 * resolve to exactly where it should, and files must be regular files: a symlink planted in a
 * folder is neither listed nor served.
 */
export class VirtualFileSystem {
  constructor(private readonly realRoot: string, readonly account: FtpAccount, private readonly logger: Logger) {}

  resolve(cwd: string, input: string): VirtualTarget {
    return resolveVirtualPath(this.account, cwd, input);
  }

  /** The entries of a folder, or the one entry of a file. Missing folders are created and shown empty. */
  async list(target: VirtualTarget): Promise<ListEntry[]> {
    if (target.kind === 'root' || target.kind === 'duns') {
      return Promise.all(childFolders(this.account, target).map((name) => this.describe(this.resolve(target.path, name))));
    }
    if (target.kind === 'file') return [await this.describe(target)];
    const dir = await this.folderPath(target);
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    const listed: ListEntry[] = [];
    for (const entry of entries.filter((e) => e.isFile() && isServableName(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
      const stat = await fs.promises.lstat(path.join(dir, entry.name)).catch(() => null);
      if (stat?.isFile()) listed.push({ name: entry.name, type: 'file', size: stat.size, modified: stat.mtime, perm: filePerm(target) });
    }
    return listed;
  }

  async describe(target: VirtualTarget): Promise<ListEntry> {
    const name = path.posix.basename(target.path) || '/';
    if (target.kind === 'root' || target.kind === 'duns') {
      const stat = await fs.promises.lstat(path.join(this.realRoot, target.kind === 'duns' ? target.duns : '')).catch(() => null);
      return { name, type: 'dir', size: 0, modified: stat?.mtime ?? new Date(), perm: 'el' };
    }
    const dir = await this.folderPath(target);
    if (target.kind === 'folder') {
      const stat = await fs.promises.lstat(dir);
      return { name, type: 'dir', size: 0, modified: stat.mtime, perm: target.rights.upload ? 'elc' : 'el' };
    }
    const stat = await this.regularFile(target, dir);
    return { name, type: 'file', size: stat.size, modified: stat.mtime, perm: filePerm(target) };
  }

  /** Checks that a folder exists (creating it) and may be entered. */
  async enter(target: VirtualTarget): Promise<void> {
    if (target.kind === 'file') throw new FtpReplyError(550, `${target.path}: not a folder`);
    if (target.kind === 'folder') await this.folderPath(target);
  }

  async openForDownload(target: VirtualTarget, offset: number): Promise<{ handle: fs.promises.FileHandle; size: number }> {
    const file = this.fileTarget(target, 'download');
    const dir = await this.folderPath(file);
    await this.regularFile(file, dir);
    const handle = await fs.promises.open(path.join(dir, file.name), OPEN_READ).catch((error: unknown) => {
      throw notFoundOr(error, file.path);
    });
    const stat = await handle.stat();
    if (!stat.isFile() || offset > stat.size) {
      await handle.close();
      throw stat.isFile() ? new FtpReplyError(554, `REST ${offset} is beyond the end of ${file.path} (${stat.size} bytes)`) : notFound(file.path);
    }
    return { handle, size: stat.size };
  }

  async remove(target: VirtualTarget): Promise<string> {
    const file = this.fileTarget(target, 'delete');
    const dir = await this.folderPath(file);
    await this.regularFile(file, dir);
    await fs.promises.unlink(path.join(dir, file.name)).catch((error: unknown) => {
      throw notFoundOr(error, file.path);
    });
    return file.path;
  }

  /** A new hidden partial file beside where the upload will go; the final name must not exist yet. */
  async createUpload(target: VirtualTarget): Promise<{ handle: fs.promises.FileHandle; partialPath: string; finalPath: string; duns: string }> {
    const file = this.fileTarget(target, 'upload');
    const finalPath = path.join(await this.folderPath(file), file.name);
    if (await fs.promises.lstat(finalPath).then(() => true, () => false)) throw alreadyThere(file.path);
    const partialPath = partialPathFor(finalPath);
    const handle = await fs.promises.open(partialPath, OPEN_NEW, PRIVATE_FILE_MODE);
    return { handle, partialPath, finalPath, duns: file.duns };
  }

  /** Gives a complete upload its name, never replacing a file another upload finished meanwhile. */
  async commitUpload(partialPath: string, finalPath: string, virtualPath: string): Promise<void> {
    try {
      if (!(await linkIntoPlace(partialPath, finalPath))) throw alreadyThere(virtualPath);
    } finally {
      await fs.promises.rm(partialPath, { force: true });
    }
  }

  private fileTarget(target: VirtualTarget, action: 'download' | 'delete' | 'upload'): Extract<VirtualTarget, { kind: 'file' }> {
    if (target.kind !== 'file') throw new FtpReplyError(550, `${target.path}: not a file`);
    if (!target.rights[action]) {
      const allowed = (['download', 'upload', 'delete'] as const).filter((a) => target.rights[a]).join(', ');
      throw new FtpReplyError(550, `${action} is not allowed in ${target.folder}/ (allowed there: ${allowed})`);
    }
    return target;
  }

  /** <root>/<DUNS>/<folder>, created when missing; refused unless both levels are real directories right where they belong. */
  private async folderPath(target: FolderTarget): Promise<string> {
    const dunsDir = path.join(this.realRoot, target.duns);
    const dir = path.join(dunsDir, target.folder);
    for (const level of [dunsDir, dir]) {
      await fs.promises.mkdir(level, PRIVATE_DIR_MODE).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      if (!(await fs.promises.lstat(level)).isDirectory()) throw this.refused(target, level, 'a symlink or file stands where a folder belongs');
    }
    if ((await fs.promises.realpath(dir)) !== dir) throw this.refused(target, dir, 'the folder resolves outside its place');
    return dir;
  }

  private async regularFile(target: Extract<VirtualTarget, { kind: 'file' }>, dir: string): Promise<fs.Stats> {
    const stat = await fs.promises.lstat(path.join(dir, target.name)).catch((error: unknown) => {
      throw notFoundOr(error, target.path);
    });
    if (stat.isSymbolicLink()) throw this.refused(target, path.join(dir, target.name), 'symlinks are never followed');
    if (!stat.isFile()) throw notFound(target.path);
    return stat;
  }

  /** Reads as "not found" to the client; the operator learns what is wrong with the folder. */
  private refused(target: VirtualTarget, realPath: string, why: string): FtpReplyError {
    this.logger.warn('ftps: path refused', { participant: this.account.name, path: target.path, realPath, why });
    return notFound(target.path);
  }
}

function filePerm(target: Extract<VirtualTarget, { kind: 'folder' | 'file' }>): string {
  return `${target.rights.download ? 'r' : ''}${target.rights.delete ? 'd' : ''}`;
}

function notFound(virtualPath: string): FtpReplyError {
  return new FtpReplyError(550, `${virtualPath}: No such file or folder`);
}

function notFoundOr(error: unknown, virtualPath: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR' || code === 'EISDIR' ? notFound(virtualPath) : error;
}

function alreadyThere(virtualPath: string): FtpReplyError {
  return new FtpReplyError(550, `${virtualPath} already exists; uploads never replace a file: upload under a new name`);
}
