import crypto from 'node:crypto';

/**
 * Salted scrypt password hashes, stored as `scrypt$N$r$p$saltB64$hashB64` so that stronger
 * parameters can be adopted later without invalidating the hashes already stored.
 */
const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds for parameters read back from the database: a tampered row must not cost unbounded CPU or memory. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_PARALLELISM = 16;

interface ScryptParameters {
  cost: number;
  blockSize: number;
  parallelization: number;
}

function scrypt(plain: string, salt: Buffer, keyBytes: number, p: ScryptParameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(plain, salt, keyBytes, { ...p, maxmem: MAX_MEMORY_BYTES }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(plain: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const hash = await scrypt(plain, salt, KEY_BYTES, { cost: COST, blockSize: BLOCK_SIZE, parallelization: PARALLELISM });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** False for a wrong password and for a stored value that is not a hash this module wrote. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (parsed === null) return false;
  const actual = await scrypt(plain, parsed.salt, parsed.hash.length, parsed.parameters);
  return crypto.timingSafeEqual(actual, parsed.hash);
}

function parseStoredHash(stored: string): { parameters: ScryptParameters; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [cost, blockSize, parallelization] = parts.slice(1, 4).map((n) => (/^\d{1,10}$/.test(n!) ? Number(n) : NaN));
  const powerOfTwo = Number.isInteger(cost) && cost! > 1 && (cost! & (cost! - 1)) === 0;
  if (!powerOfTwo || !(blockSize! >= 1) || !(parallelization! >= 1) || parallelization! > MAX_PARALLELISM) return null;
  if (128 * cost! * blockSize! > MAX_MEMORY_BYTES / 2) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const hash = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { parameters: { cost: cost!, blockSize: blockSize!, parallelization: parallelization! }, salt, hash };
}
