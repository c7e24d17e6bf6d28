import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files';

/** The prefix of files still being written; folder listings served to users skip them. */
export const PARTIAL_PREFIX = '.partial-';

export function partialPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `${PARTIAL_PREFIX}${crypto.randomBytes(6).toString('hex')}-${path.basename(finalPath)}`);
}

/**
 * Writes a whole file under a temporary name and renames it into place, so a reader never sees
 * a half-written file under its final name, even if the process dies mid-write. Owner-only, like
 * every file the platform writes.
 */
export async function writeFileAtomic(finalPath: string, data: string | Buffer): Promise<void> {
  await makePrivateDir(path.dirname(finalPath));
  const partial = partialPathFor(finalPath);
  try {
    await fs.promises.writeFile(partial, data, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    await fs.promises.rename(partial, finalPath);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
}

/**
 * Gives a complete file its final name unless that name exists: link() fails when it does, where
 * rename() would silently replace a file another process finished meanwhile. Mounts without hard
 * links get a checked rename instead. False when the name was taken; the partial file stays for the
 * caller to remove (after a rename there is nothing left to remove).
 */
export async function linkIntoPlace(partialPath: string, finalPath: string): Promise<boolean> {
  try {
    await fs.promises.link(partialPath, finalPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    if (await fs.promises.stat(finalPath).then(() => true, () => false)) return false;
    await fs.promises.rename(partialPath, finalPath);
    return true;
  }
}
