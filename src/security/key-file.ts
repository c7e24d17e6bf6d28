import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Owner read/write only: private keys and keystore passwords. */
export const PRIVATE_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

/**
 * Written under a temporary name and renamed into place, with its final mode from the first byte:
 * a reader never sees half a key, and a private key is never readable by others, not even briefly.
 */
export async function writeFileWithMode(file: string, content: string | Buffer, mode: number): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const partial = path.join(path.dirname(file), `.partial-${crypto.randomBytes(6).toString('hex')}-${path.basename(file)}`);
  try {
    await fs.promises.writeFile(partial, content, { mode, flag: 'wx' });
    // The process umask may have narrowed the mode given to open(); public files should stay public.
    await fs.promises.chmod(partial, mode);
    await fs.promises.rename(partial, file);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
}
