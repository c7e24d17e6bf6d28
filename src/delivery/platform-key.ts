import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { linkIntoPlace, partialPathFor, writeFileAtomic } from './atomic-write';
import type { PrivateKey } from './pgp';

export interface PlatformKey {
  privateKey: PrivateKey;
  publicArmored: string;
  fingerprint: string;
}

const PLATFORM_USER_ID = { name: 'smt-platform', email: 'platform@smt-platform.invalid' };

export function platformKeyPaths(dataDir: string): { privatePath: string; publicPath: string } {
  const dir = path.join(dataDir, 'keys');
  return {
    privatePath: path.join(dir, 'platform-pgp-private.asc'),
    publicPath: path.join(dir, 'platform-pgp-public.asc'),
  };
}

/**
 * The key TDSPs encrypt inbound files to. The private file is the single source of truth: the
 * public file is derived from it on every load, so the two can never disagree.
 */
export async function loadOrCreatePlatformKey(dataDir: string, logger: Logger): Promise<PlatformKey> {
  const { privatePath, publicPath } = platformKeyPaths(dataDir);
  // openpgp is loaded here rather than with the key's paths, which every command's start-up checks.
  const { formatFingerprint, generatePgpKeyPair, readPrivateKey } = await import('./pgp');
  await fs.promises.mkdir(path.dirname(privatePath), { recursive: true, mode: 0o700 });

  let armored = await readIfExists(privatePath);
  if (armored === null) {
    const created = await generatePgpKeyPair(PLATFORM_USER_ID);
    if (await publishExclusively(privatePath, created.privateArmored)) {
      armored = created.privateArmored;
      logger.info('generated platform PGP key', { fingerprint: created.fingerprint, keyFile: privatePath });
    } else {
      // Another process created the key between our read and our publish: its key wins.
      armored = await fs.promises.readFile(privatePath, 'utf8');
    }
  }

  const privateKey = await readPrivateKey(armored, privatePath);
  const publicArmored = privateKey.toPublic().armor();
  if ((await readIfExists(publicPath)) !== publicArmored) await writeFileAtomic(publicPath, publicArmored);
  return { privateKey, publicArmored, fingerprint: formatFingerprint(privateKey) };
}

async function readIfExists(filePath: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** "Create if absent", atomic across processes; the key is complete before it gets its name, so readers never see half a key. */
async function publishExclusively(target: string, content: string): Promise<boolean> {
  const temp = partialPathFor(target);
  try {
    await fs.promises.writeFile(temp, content, { mode: 0o600, flag: 'wx' });
    return await linkIntoPlace(temp, target);
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}
