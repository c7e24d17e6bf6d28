import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TextDecoderStream, type ReadableStream as WebReadableStream } from 'node:stream/web';
import * as openpgp from 'openpgp';
import { SmtError, errorMessage, isSmtError } from '../core/errors';
import { PRIVATE_FILE_MODE } from '../core/private-files';

export type PublicKey = openpgp.PublicKey;
export type PrivateKey = openpgp.PrivateKey;

export interface PgpKeyPair {
  privateArmored: string;
  publicArmored: string;
  fingerprint: string;
}

/**
 * Pinned rather than inherited from openpgp's global config: v6 keys, or keys that advertise
 * AEAD (SEIPDv2), produce messages GnuPG 2.2 cannot read, and REPs and TDSPs run GnuPG 2.2.
 */
const GNUPG22_CONFIG = { v6Keys: false, aeadProtect: false } as const;

/** Unencrypted v4 Curve25519 key pair: the key files are protected by file mode, not a passphrase. */
export async function generatePgpKeyPair(userId: { name: string; email: string }): Promise<PgpKeyPair> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [userId],
    format: 'armored',
    config: GNUPG22_CONFIG,
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return { privateArmored: privateKey, publicArmored: publicKey, fingerprint: formatFingerprint(key) };
}

/** Upper-case hex, the way `gpg --fingerprint` prints it, so operators can compare by eye. */
export function formatFingerprint(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

export async function readPublicKey(armored: string, source = 'the text'): Promise<PublicKey> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (error) {
    throw new SmtError('INPUT_INVALID', `${source} is not an armored OpenPGP public key (${errorMessage(error)})`);
  }
  return key.isPrivate() ? key.toPublic() : (key as PublicKey);
}

export async function readPrivateKey(armored: string, source = 'the text'): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (error) {
    throw new SmtError('INPUT_INVALID', `${source} is not an armored OpenPGP private key (${errorMessage(error)})`);
  }
  if (!key.isDecrypted()) {
    throw new SmtError('INPUT_INVALID', `${source} is a passphrase-protected private key; the platform needs it unprotected`);
  }
  return key;
}

/**
 * Encrypts a byte stream without holding it in memory: openpgp 6 only speaks Web Streams, so the
 * Node streams are bridged on both sides. Binary literal data keeps CRLFs and zip bytes intact.
 */
export async function encryptFileStream(
  input: NodeJS.ReadableStream | Readable,
  output: string | Writable,
  publicKey: PublicKey,
  options: { armor: boolean },
): Promise<void> {
  const source = input instanceof Readable ? input : new Readable().wrap(input);
  const message = await openpgp.createMessage({ binary: Readable.toWeb(source) as WebReadableStream<Uint8Array> });
  const common = { message, encryptionKeys: publicKey, config: GNUPG22_CONFIG };
  const encrypted = options.armor
    ? await openpgp.encrypt({ ...common, format: 'armored' })
    : await openpgp.encrypt({ ...common, format: 'binary' });
  const target = typeof output === 'string' ? fs.createWriteStream(output, { mode: PRIVATE_FILE_MODE }) : output;
  try {
    await pipeline(Readable.fromWeb(encrypted as WebReadableStream), target);
  } catch (error) {
    if (typeof output === 'string') await removeQuietly(output);
    throw error;
  }
}

export interface DecryptOptions {
  /** Largest plaintext accepted; larger files are refused rather than filling the disk. */
  maxBytes: number;
  /** How the file is named in error messages; defaults to the input file's name. */
  displayName?: string;
}

/**
 * Streams a message (armored or binary) to outputPath. Plaintext is released before the integrity
 * check so memory stays flat; that is only safe because the output is deleted unless the whole
 * stream, MDC included, ends cleanly.
 */
export async function decryptToFile(
  inputPath: string,
  outputPath: string,
  privateKey: PrivateKey,
  options: DecryptOptions,
): Promise<{ bytes: number }> {
  const name = options.displayName ?? path.basename(inputPath);
  let bytes = 0;
  try {
    const message = await openMessage(inputPath, name);
    checkRecipient(message, privateKey, name);
    const { data } = await openpgp.decrypt({
      message,
      decryptionKeys: privateKey,
      format: 'binary',
      // The exact cap is the counter below; this backstop stops a compression bomb inside openpgp,
      // with headroom because it also counts the literal packet's framing.
      config: { allowUnauthenticatedStream: true, maxDecompressedMessageSize: Math.ceil(options.maxBytes * 1.01) + 65536 },
    });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > options.maxBytes) return callback(tooLarge(name, options.maxBytes));
        callback(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(data as WebReadableStream), counter, fs.createWriteStream(outputPath, { mode: 0o600 }));
    return { bytes };
  } catch (error) {
    await removeQuietly(outputPath);
    throw decryptError(error, name, options.maxBytes);
  }
}

async function openMessage(inputPath: string, name: string): Promise<openpgp.Message<WebReadableStream>> {
  const armored = await startsWithArmor(inputPath);
  try {
    return armored
      ? await openpgp.readMessage({
          // Node's toWeb adapter sizes chunks by byteLength, so strings must come from a decoder.
          armoredMessage: bytesOf(inputPath).pipeThrough(new TextDecoderStream()),
        })
      : await openpgp.readMessage({
          binaryMessage: bytesOf(inputPath),
        });
  } catch (error) {
    throw new SmtError('DECRYPT_FAILED', `${name}: not an OpenPGP message (${errorMessage(error)})`);
  }
}

function bytesOf(filePath: string): WebReadableStream<Uint8Array> {
  return Readable.toWeb(fs.createReadStream(filePath)) as WebReadableStream<Uint8Array>;
}

/** Content decides, not the extension: TDSPs name armored files .pgp as often as .asc. */
async function startsWithArmor(filePath: string): Promise<boolean> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).toString('latin1').trimStart().startsWith('-----BEGIN PGP');
  } finally {
    await handle.close();
  }
}

/** openpgp only says "no decryption key packets found"; senders need to know which key they used. */
function checkRecipient(message: openpgp.Message<unknown>, privateKey: PrivateKey, name: string): void {
  const recipients = message.getEncryptionKeyIDs();
  const ours = privateKey.getKeyIDs();
  if (recipients.length === 0 || recipients.some((id) => ours.some((own) => own.equals(id, true)))) return;
  const hex = (ids: openpgp.KeyID[]) => ids.map((id) => id.toHex().toUpperCase()).join(', ');
  const subkeys = ours.length > 1 ? `, subkey(s) ${hex(ours.slice(1))}` : '';
  throw new SmtError(
    'DECRYPT_FAILED',
    `${name}: encrypted to key id(s) ${hex(recipients)} while the platform key is ${hex(ours.slice(0, 1))}` +
      ` (fingerprint ${formatFingerprint(privateKey)}${subkeys}); ` +
      'the sender must encrypt to the platform public key (smt keys export-public)',
    { recipientKeyIds: recipients.map((id) => id.toHex()), platformKeyIds: ours.map((id) => id.toHex()) },
  );
}

/** System errors (a missing input, a full disk) pass through: they are not the message's fault. */
function decryptError(error: unknown, name: string, maxBytes: number): unknown {
  if (isSmtError(error) || (error as NodeJS.ErrnoException).syscall) return error;
  const reason = errorMessage(error);
  if (/decompressed message size/i.test(reason)) return tooLarge(name, maxBytes);
  const short = /modification detected/i.test(reason) ? 'integrity check failed (the file was altered or truncated)' : reason;
  return new SmtError('DECRYPT_FAILED', `${name}: cannot decrypt (${short})`);
}

function tooLarge(name: string, maxBytes: number): SmtError {
  return new SmtError('FILE_TOO_LARGE', `${name}: decrypted content is larger than the ${maxBytes}-byte limit`, {
    maxBytes,
  });
}

async function removeQuietly(filePath: string): Promise<void> {
  await fs.promises.rm(filePath, { force: true });
}
