import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE as OWNER_ONLY } from '../core/private-files';

/** Owner read/write only: private keys and keystore passwords. */
export const PRIVATE_FILE_MODE = OWNER_ONLY;
/** Certificates and public keys are no secret, but they are owner-only too, like every file the platform writes. */
export const PUBLIC_FILE_MODE = OWNER_ONLY;

/**
 * Written under a temporary name and renamed into place, with its final mode from the first byte:
 * a reader never sees half a key, and a private key is never readable by others, not even briefly.
 */
export async function writeFileWithMode(file: string, content: string | Buffer, mode: number): Promise<void> {
  await makePrivateDir(path.dirname(file));
  const partial = path.join(path.dirname(file), `.partial-${crypto.randomBytes(6).toString('hex')}-${path.basename(file)}`);
  try {
    await fs.promises.writeFile(partial, content, { mode, flag: 'wx' });
    // The mode given, whatever the process umask.
    await fs.promises.chmod(partial, mode);
    await fs.promises.rename(partial, file);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
}
