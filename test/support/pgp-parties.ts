import fs from 'node:fs';
import path from 'node:path';
import { generatePgpKeyPair, readPrivateKey, type PgpKeyPair, type PrivateKey } from '../../src/delivery/pgp';
import { runTool } from './run-tool';

/** Two parties with PGP keys — the platform and someone else — and a GnuPG home that knows them. */
export interface PgpParties {
  platform: PgpKeyPair;
  other: PgpKeyPair;
  platformKey: PrivateKey;
  /** Environment that points gpg at the home. */
  gnupg: NodeJS.ProcessEnv;
}

/** `importToGpg` lists what the GnuPG home imports: public keys, or the platform's private key too. */
export async function pgpParties(workDir: string, importToGpg: string[] | ((p: Pick<PgpParties, 'platform' | 'other'>) => string[])): Promise<PgpParties> {
  const [platform, other] = await Promise.all([
    generatePgpKeyPair({ name: 'Platform Test', email: 'platform@example.com' }),
    generatePgpKeyPair({ name: 'Other Party', email: 'other@example.com' }),
  ]);
  const home = path.join(workDir, 'gnupg');
  await fs.promises.mkdir(home, { mode: 0o700 });
  const gnupg = { GNUPGHOME: home };
  const keys = typeof importToGpg === 'function' ? importToGpg({ platform, other }) : importToGpg;
  for (const key of keys) await runTool('gpg', ['--batch', '--import'], gnupg, key);
  return { platform, other, platformKey: await readPrivateKey(platform.privateArmored), gnupg };
}
