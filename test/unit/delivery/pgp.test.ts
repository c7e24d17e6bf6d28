import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { keysExportPublicCommand } from '../../../src/cli/keys.command';
import { createApp } from '../../../src/app';
import { loadConfig } from '../../../src/config/config';
import type { Logger } from '../../../src/core/logger';
import { loadOrCreatePlatformKey, platformKeyPaths } from '../../../src/delivery/platform-key';
import {
  decryptToFile,
  encryptFileStream,
  readPrivateKey,
  readPublicKey,
  type PgpKeyPair,
  type PrivateKey,
} from '../../../src/delivery/pgp';
import { runTool, expectSmtError } from '../../support/run-tool';
import { pgpParties } from '../../support/pgp-parties';

const keyIdsOf = async (armored: string) => (await readPublicKey(armored)).getKeyIDs().map((id) => id.toHex().toUpperCase());

describe('delivery/pgp', function () {
  let work: string;
  let gnupg: NodeJS.ProcessEnv;
  let platform: PgpKeyPair;
  let other: PgpKeyPair;
  let platformKey: PrivateKey;
  /** Binary content with CRLFs and every byte value: text-mode mangling would show. */
  let plain: Buffer;
  let plainPath: string;

  before(async function () {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'smt-pgp-'));
    ({ platform, other, platformKey, gnupg } = await pgpParties(work, (p) => [p.platform.privateArmored, p.other.publicArmored]));
    plain = Buffer.concat([Buffer.from('00000001,1000000000000000,4\r\n10000000,68.29,A,,\r\n'), randomBytes(512 * 1024)]);
    plainPath = path.join(work, 'plain.bin');
    await fs.promises.writeFile(plainPath, plain);
  });

  after(async function () {
    await runTool('gpgconf', ['--kill', 'all'], gnupg).catch(() => undefined);
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  const gpgDecrypt = async (file: string) => runTool('gpg', ['--batch', '--quiet', '--decrypt', file], gnupg);
  /** Compression is forced: our keys do not ask for it, but TDSPs' gpg setups often compress anyway. */
  const gpgEncrypt = async (file: string, out: string, recipient: string, armor: boolean) =>
    runTool('gpg', ['--batch', '--yes', '--trust-model', 'always', '--compress-algo', 'zlib', ...(armor ? ['--armor'] : []),
      '--recipient', recipient, '--output', out, '--encrypt', file], gnupg);

  it('generates a v4 Curve25519 key whose fingerprint gpg reports too', async function () {
    const key = await readPrivateKey(platform.privateArmored);
    expect(key.keyPacket.version).to.equal(4);
    expect(key.getAlgorithmInfo().algorithm).to.equal('eddsaLegacy');
    expect(platform.fingerprint).to.match(/^[0-9A-F]{40}$/);
    const listing = (await runTool('gpg', ['--batch', '--with-colons', '--list-keys', 'platform@example.com'], gnupg)).toString();
    expect(listing).to.include(`fpr:::::::::${platform.fingerprint}:`);
  });

  it('encrypts an armored stream that gpg 2.2 decrypts byte for byte', async function () {
    const out = path.join(work, 'armored.asc');
    await encryptFileStream(fs.createReadStream(plainPath), out, await readPublicKey(platform.publicArmored), { armor: true });
    expect((await fs.promises.readFile(out, 'utf8')).startsWith('-----BEGIN PGP MESSAGE-----')).to.equal(true);
    expect((await gpgDecrypt(out)).equals(plain)).to.equal(true);
  });

  it('encrypts a binary stream into a Writable that gpg 2.2 decrypts byte for byte', async function () {
    const out = path.join(work, 'binary.pgp');
    await encryptFileStream(fs.createReadStream(plainPath), fs.createWriteStream(out), await readPublicKey(platform.publicArmored), { armor: false });
    const head = (await fs.promises.readFile(out))[0];
    expect(head & 0x80, 'an OpenPGP packet tag, not armor').to.equal(0x80);
    expect((await gpgDecrypt(out)).equals(plain)).to.equal(true);
  });

  for (const armor of [true, false]) {
    it(`decrypts its own ${armor ? 'armored' : 'binary'} output and gpg's, up to exactly maxBytes`, async function () {
      const ours = path.join(work, `ours-${armor}.pgp`);
      const theirs = path.join(work, `theirs-${armor}.pgp`);
      await encryptFileStream(fs.createReadStream(plainPath), ours, platformKey.toPublic(), { armor });
      await gpgEncrypt(plainPath, theirs, platform.fingerprint, armor);
      for (const input of [ours, theirs]) {
        const output = `${input}.out`;
        const { bytes } = await decryptToFile(input, output, platformKey, { maxBytes: plain.length });
        expect(bytes).to.equal(plain.length);
        expect((await fs.promises.readFile(output)).equals(plain)).to.equal(true);
      }
    });
  }

  it('names both sides key ids when a file is encrypted to another key', async function () {
    const input = path.join(work, 'for-someone-else.pgp');
    await gpgEncrypt(plainPath, input, 'other@example.com', false);
    const output = path.join(work, 'wrong.out');
    const error = await expectSmtError(decryptToFile(input, output, platformKey, { maxBytes: 10_000_000 }), 'DECRYPT_FAILED');
    const [otherPrimary, otherSubkey] = await keyIdsOf(other.publicArmored);
    const [platformPrimary] = await keyIdsOf(platform.publicArmored);
    expect(error.message).to.include('for-someone-else.pgp').and.include(otherSubkey).and.include(platformPrimary);
    expect(error.message).not.to.include(otherPrimary);
    expect(fs.existsSync(output)).to.equal(false);
  });

  it('refuses garbage with the file name and leaves no output', async function () {
    const input = path.join(work, 'garbage.pgp');
    await fs.promises.writeFile(input, randomBytes(4096));
    const output = path.join(work, 'garbage.out');
    const error = await expectSmtError(decryptToFile(input, output, platformKey, { maxBytes: 10_000_000 }), 'DECRYPT_FAILED');
    expect(error.message).to.match(/^garbage\.pgp: /);
    expect(fs.existsSync(output)).to.equal(false);
  });

  it('refuses an altered file and removes the partial output', async function () {
    const input = path.join(work, 'altered.pgp');
    await encryptFileStream(fs.createReadStream(plainPath), input, platformKey.toPublic(), { armor: false });
    const bytes = await fs.promises.readFile(input);
    bytes[bytes.length - 100] ^= 0x01;
    await fs.promises.writeFile(input, bytes);
    const output = path.join(work, 'altered.out');
    const error = await expectSmtError(decryptToFile(input, output, platformKey, { maxBytes: 10_000_000 }), 'DECRYPT_FAILED');
    // Depending on where the flipped bit lands, openpgp reports the integrity check or broken packet framing.
    expect(error.message).to.include('altered.pgp');
    expect(fs.existsSync(output)).to.equal(false);
  });

  it('stops at maxBytes, plain or compressed by gpg, and removes the partial output', async function () {
    const zeros = path.join(work, 'zeros.bin');
    await fs.promises.writeFile(zeros, Buffer.alloc(3 * 1024 * 1024));
    const ours = path.join(work, 'big-ours.pgp');
    const theirs = path.join(work, 'big-theirs.gpg');
    await encryptFileStream(fs.createReadStream(zeros), ours, platformKey.toPublic(), { armor: false });
    await gpgEncrypt(zeros, theirs, platform.fingerprint, false);
    expect((await fs.promises.stat(theirs)).size, 'gpg compressed it').to.be.below(100_000);
    for (const input of [ours, theirs]) {
      const output = `${input}.out`;
      const error = await expectSmtError(decryptToFile(input, output, platformKey, { maxBytes: 1_000_000 }), 'FILE_TOO_LARGE');
      expect(error.message).to.include(path.basename(input)).and.include('1000000');
      expect(fs.existsSync(output)).to.equal(false);
    }
  });

  it('explains text that is not a usable key', async function () {
    expect((await expectSmtError(readPublicKey('hello', 'rep.asc'), 'INPUT_INVALID')).message).to.match(/^rep\.asc is not an armored OpenPGP public key/);
    await expectSmtError(readPrivateKey(platform.publicArmored), 'INPUT_INVALID');
    const locked = await generatePgpKeyPairWithPassphrase();
    expect((await expectSmtError(readPrivateKey(locked), 'INPUT_INVALID')).message).to.include('passphrase');
    expect((await readPublicKey(platform.privateArmored)).isPrivate(), 'a private key is reduced to its public part').to.equal(false);
  });
});

async function generatePgpKeyPairWithPassphrase(): Promise<string> {
  const openpgp = await import('openpgp');
  const { privateKey } = await openpgp.generateKey({ userIDs: [{ name: 'Locked', email: 'locked@example.com' }], passphrase: 'secret' });
  return privateKey;
}

describe('delivery/platform-key', function () {
  let dataDir: string;
  let logged: { message: string; meta: Record<string, unknown> }[];
  const logger = { info: (message: string, meta: Record<string, unknown>) => logged.push({ message, meta }) } as unknown as Logger;

  beforeEach(async function () {
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'smt-platform-key-'));
    logged = [];
  });

  afterEach(async function () {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  it('creates the key once, private file 0600, and logs only the fingerprint', async function () {
    const first = await loadOrCreatePlatformKey(dataDir, logger);
    const { privatePath, publicPath } = platformKeyPaths(dataDir);
    expect((await fs.promises.stat(privatePath)).mode & 0o777).to.equal(0o600);
    expect(await fs.promises.readFile(publicPath, 'utf8')).to.equal(first.publicArmored);
    expect(logged).to.have.length(1);
    expect(logged[0].message).to.equal('generated platform PGP key');
    expect(logged[0].meta.fingerprint).to.equal(first.fingerprint);
    expect(JSON.stringify(logged)).not.to.include('PRIVATE KEY');

    const second = await loadOrCreatePlatformKey(dataDir, logger);
    expect(second.fingerprint).to.equal(first.fingerprint);
    expect(logged).to.have.length(1);
  });

  it('settles on one key when two callers race on a fresh data dir', async function () {
    const results = await Promise.all([loadOrCreatePlatformKey(dataDir, logger), loadOrCreatePlatformKey(dataDir, logger)]);
    expect(results[0].fingerprint).to.equal(results[1].fingerprint);
    expect(logged.filter((entry) => entry.message === 'generated platform PGP key')).to.have.length(1);
    const { privatePath } = platformKeyPaths(dataDir);
    expect((await readPrivateKey(await fs.promises.readFile(privatePath, 'utf8'))).getFingerprint().toUpperCase()).to.equal(results[0].fingerprint);
    expect((await fs.promises.readdir(path.dirname(privatePath))).sort()).to.deep.equal(['platform-pgp-private.asc', 'platform-pgp-public.asc']);
  });

  it('`smt keys export-public` prints the public key and creates the pair on first use', async function () {
    let out = '';
    const term = { out: (text: string) => (out += text), err: () => undefined, isTty: false };
    const app = createApp(loadConfig({ SMT_DATA_DIR: dataDir }));
    try {
      expect(await keysExportPublicCommand.run({ values: {}, positionals: [] }, app, term)).to.equal(0);
    } finally {
      await app.close();
    }
    const key = await readPublicKey(out);
    const stored = await loadOrCreatePlatformKey(dataDir, logger);
    expect(key.getFingerprint().toUpperCase()).to.equal(stored.fingerprint);
    expect(out).not.to.include('PRIVATE');
  });
});
