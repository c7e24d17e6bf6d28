import type { FtpAccount } from '../../security/ftp-accounts.service';
import { FtpReplyError } from './ftp-protocol';

/** What an account may do in one of its folders. */
export interface FolderRights {
  download: boolean;
  delete: boolean;
  upload: boolean;
}

/**
 * The folders each kind of participant sees in each of its DUNS folders. REPs fetch (and may
 * remove) what the platform delivered; TDSPs fetch their activity reports and upload LSE files,
 * which the ingest moves out of inbound/ within seconds (so no delete there: it would race it).
 */
export const FOLDERS: Readonly<Record<FtpAccount['kind'], Readonly<Record<string, FolderRights>>>> = {
  REP: {
    adhoc: { download: true, delete: true, upload: false },
    daily: { download: true, delete: true, upload: false },
  },
  TDSP: {
    inbound: { download: true, delete: false, upload: true },
    reports: { download: true, delete: true, upload: false },
  },
};

export type VirtualTarget =
  | { kind: 'root'; path: string }
  | { kind: 'duns'; path: string; duns: string }
  | { kind: 'folder'; path: string; duns: string; folder: string; rights: FolderRights }
  | { kind: 'file'; path: string; duns: string; folder: string; name: string; rights: FolderRights };

const NOT_FOUND = 'No such file or folder';

/**
 * Resolves a client's path against the current folder, lexically and without decoding anything:
 * `%2e%2e` is a name like any other. Refused: NUL, backslashes, `..` above the root, names
 * starting with a dot (files being written), and anything outside the account's own folders,
 * which reads as "not found" so another DUNS's folder cannot even be confirmed to exist.
 */
export function resolveVirtualPath(account: FtpAccount, cwd: string, input: string): VirtualTarget {
  if (input.includes('\0') || input.includes('\\')) throw new FtpReplyError(550, 'Path refused: NUL and backslashes are not allowed');
  const segments: string[] = input.startsWith('/') ? [] : cwd.split('/').filter((s) => s !== '');
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw new FtpReplyError(550, 'Path refused: it leads above the root folder');
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  const path = `/${segments.join('/')}`;
  const [duns, folder, name, ...deeper] = segments;
  if (duns === undefined) return { kind: 'root', path };
  if (!account.duns.includes(duns)) throw new FtpReplyError(550, `${path}: ${NOT_FOUND}`);
  if (folder === undefined) return { kind: 'duns', path, duns };
  const rights = Object.hasOwn(FOLDERS[account.kind], folder) ? FOLDERS[account.kind][folder]! : undefined;
  if (!rights) throw new FtpReplyError(550, `${path}: ${NOT_FOUND}`);
  if (name === undefined) return { kind: 'folder', path, duns, folder, rights };
  if (deeper.length > 0 || !isServableName(name)) throw new FtpReplyError(550, `${path}: ${NOT_FOUND}`);
  return { kind: 'file', path, duns, folder, name, rights };
}

/** Names the site serves and accepts: no leading dot (partial uploads), no control characters, at most 200 bytes. */
export function isServableName(name: string): boolean {
  return !name.startsWith('.') && !/[\u0000-\u001f\u007f]/.test(name) && Buffer.byteLength(name) <= 200;
}

/** The folders shown at each level, in listing order. */
export function childFolders(account: FtpAccount, target: VirtualTarget): string[] {
  if (target.kind === 'root') return [...account.duns].sort();
  if (target.kind === 'duns') return Object.keys(FOLDERS[account.kind]).sort();
  return [];
}
