import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import yazl from 'yazl';
import { readPublicKey, type PgpKeyPair, type PrivateKey } from '../../../src/delivery/pgp';
import { expandInputPaths, openLseInput, type LseInputOptions, type LseSource } from '../../../src/ingest/lse-input';
import { expectSmtError } from '../../support/run-tool';
import { pgpParties } from '../../support/pgp-parties';

const exec = promisify(execFile);
const LSE_NAME = '100000001IntervalData20250702060000001.lse';
const LSE_TEXT = [
  '00000001,1000000000000000,4,20250701000000,20250701235900,Y,N',
  '00000002,0,0,0,,0,,900,01,1,-1,0.0,0.0,CST',
  '00000003,UNIQUETRANID0123456789',
  '00000004,20250702060000,M',
  '10000000,68.29,A,,69.17,A,,67.99,A,,67.99,A,,',
  '',
].join('\r\n');

/** yazl refuses unsafe names, so a hostile zip is made by rewriting a same-length safe name in place. */
function renameEntries(zip: Buffer, from: string, to: string): Buffer {
  expect(from.length).to.equal(to.length);
  return Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1');
}

function yazlZip(entries: { name: string; data: Buffer | string }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.data), entry.name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

describe('ingest/lse-input', function () {
  let work: string;
  let tempDir: string;
  let gnupg: NodeJS.ProcessEnv;
  let platform: PgpKeyPair;
  let other: PgpKeyPair;
  let platformKey: PrivateKey;
  let options: LseInputOptions;
  let opened: LseSource[] = [];

  before(async function () {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'smt-lse-input-'));
    ({ platform, other, platformKey, gnupg } = await pgpParties(work, (p) => [p.platform.publicArmored + p.other.publicArmored]));
    await fs.promises.writeFile(path.join(work, LSE_NAME), LSE_TEXT);
  });

  beforeEach(async function () {
    tempDir = await fs.promises.mkdtemp(path.join(work, 'tmp-'));
    options = { platformKey, maxFileBytes: 10 * 1024 * 1024, tempDir };
    opened = [];
  });

  after(async function () {
    await exec('gpgconf', ['--kill', 'all'], { env: { ...process.env, ...gnupg } }).catch(() => undefined);
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  const open = async (file: string, overrides: Partial<LseInputOptions> = {}) => {
    opened = await openLseInput(file, { ...options, ...overrides });
    return opened;
  };
  const read = (source: LseSource) => fs.promises.readFile(source.lsePath, 'utf8');
  const tempFiles = () => fs.promises.readdir(tempDir);
  const zipWithCli = async (zipName: string, names: string[], args: string[] = []) => {
    await exec('zip', ['-q', '-X', ...args, zipName, ...names], { cwd: work });
    return path.join(work, zipName);
  };
  const gpgEncrypt = async (file: string, recipient: string, armor: boolean, suffix: string) => {
    const out = `${file}${suffix}`;
    // Compression forced, as many TDSP gpg setups do: it lets a small file decrypt to a large one.
    const flags = ['--batch', '--yes', '--trust-model', 'always', '--compress-algo', 'zlib', ...(armor ? ['--armor'] : [])];
    await exec('gpg', [...flags, '--recipient', recipient, '--output', out, '--encrypt', file], { env: { ...process.env, ...gnupg } });
    return out;
  };
  const writeWork = async (name: string, data: Buffer | string) => {
    await fs.promises.writeFile(path.join(work, name), data);
    return path.join(work, name);
  };

  describe('expandInputPaths', function () {
    it('walks folders in name order, skips dot-files, lists non-inputs apart and keeps named files', async function () {
      const root = path.join(work, 'inbox');
      for (const rel of ['b.lse', 'a.zip', '.hidden.lse', 'sub/c.lse', '.git/x.lse', 'README.md']) {
        await fs.promises.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
        await fs.promises.writeFile(path.join(root, rel), 'x');
      }
      const single = path.join(work, LSE_NAME);
      expect(await expandInputPaths([root, single])).to.deep.equal({
        files: [path.join(root, 'a.zip'), path.join(root, 'b.lse'), path.join(root, 'sub/c.lse'), single],
        skipped: [path.join(root, 'README.md')],
      });
    });

    it('names a missing path', async function () {
      const missing = path.join(work, 'nope');
      const error = await expectSmtError(expandInputPaths([missing]), 'FILE_UNREADABLE');
      expect(error.message).to.equal(`${missing}: no such file or folder`);
    });
  });

  it('uses a plain .lse file in place, and its cleanup keeps it', async function () {
    const file = path.join(work, LSE_NAME);
    const [source] = await open(file);
    expect(source).to.include({ displayName: LSE_NAME, lsePath: file, sizeBytes: LSE_TEXT.length });
    await source.cleanup();
    expect(fs.existsSync(file)).to.equal(true);
  });

  it('extracts .lse entries of a zip under generated names, skipping others, and cleans up', async function () {
    await writeWork('readme.txt', 'not data');
    const zip = await zipWithCli('100000001IntervalData20250702060000001.zip', [LSE_NAME, 'readme.txt']);
    const sources = await open(zip);
    expect(sources.map((s) => s.displayName)).to.deep.equal([`100000001IntervalData20250702060000001.zip!${LSE_NAME}`]);
    expect(path.dirname(sources[0].lsePath)).to.equal(tempDir);
    expect(path.basename(sources[0].lsePath)).not.to.include('IntervalData');
    expect(await read(sources[0])).to.equal(LSE_TEXT);
    expect(sources[0].sizeBytes).to.equal(LSE_TEXT.length);
    await sources[0].cleanup();
    expect(await tempFiles()).to.deep.equal([]);
  });

  for (const armor of [true, false]) {
    it(`reads a zip encrypted by gpg (${armor ? 'armored .asc' : 'binary .pgp'})`, async function () {
      const zip = await zipWithCli(`gpg-${armor}.zip`, [LSE_NAME]);
      const encrypted = await gpgEncrypt(zip, platform.fingerprint, armor, armor ? '.asc' : '.pgp');
      const sources = await open(encrypted);
      expect(sources.map((s) => s.displayName)).to.deep.equal([`${path.basename(encrypted)}!${LSE_NAME}`]);
      expect(await read(sources[0])).to.equal(LSE_TEXT);
      expect(await tempFiles(), 'only the extracted .lse; the decrypted zip is gone').to.have.length(1);
      await sources[0].cleanup();
      expect(await tempFiles()).to.deep.equal([]);
    });
  }

  it('reads a plain .lse encrypted by gpg under its .gpg name', async function () {
    const encrypted = await gpgEncrypt(path.join(work, LSE_NAME), platform.fingerprint, false, '.gpg');
    const [source] = await open(encrypted);
    expect(source.displayName).to.equal(`${LSE_NAME}.gpg`);
    expect(await read(source)).to.equal(LSE_TEXT);
    await source.cleanup();
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('refuses a decrypted file that is neither a zip nor named .lse', async function () {
    const notes = await writeWork('notes.txt', 'hello');
    const encrypted = await gpgEncrypt(notes, platform.fingerprint, false, '.pgp');
    const error = await expectSmtError(open(encrypted), 'FILE_UNREADABLE');
    expect(error.message).to.include('notes.txt.pgp').and.include('not an LSE name');
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('says which key a file was encrypted to when it is not the platform key', async function () {
    const encrypted = await gpgEncrypt(path.join(work, LSE_NAME), 'other@example.com', true, '.wrong.asc');
    const error = await expectSmtError(open(encrypted), 'DECRYPT_FAILED');
    const otherSubkey = (await readPublicKey(other.publicArmored)).getKeyIDs()[1].toHex().toUpperCase();
    const platformPrimary = platformKey.getKeyID().toHex().toUpperCase();
    expect(error.message).to.include(`${LSE_NAME}.wrong.asc`).and.include(otherSubkey).and.include(platformPrimary);
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('refuses a garbage .pgp file', async function () {
    const error = await expectSmtError(open(await writeWork('junk.lse.pgp', randomBytes(2048))), 'DECRYPT_FAILED');
    expect(error.message).to.match(/^junk\.lse\.pgp: /);
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('lists the entries of a zip that holds no .lse file', async function () {
    await writeWork('a.txt', 'a');
    await writeWork('b.csv', 'b');
    const zip = await zipWithCli('no-lse.zip', ['a.txt', 'b.csv']);
    const error = await expectSmtError(open(zip), 'ZIP_INVALID');
    expect(error.message).to.equal('no-lse.zip: the zip holds no .lse file (entries: a.txt, b.csv)');
  });

  it('refuses entry names that climb out of the folder, writing nothing outside tempDir', async function () {
    const safe = await yazlZip([{ name: 'zz/zz/evil.lse', data: LSE_TEXT }]);
    const zip = await writeWork('slip.zip', renameEntries(safe, 'zz/zz/evil.lse', '../../evil.lse'));
    const error = await expectSmtError(open(zip), 'ZIP_INVALID');
    expect(error.message).to.include('slip.zip').and.include('../../evil.lse');
    expect(fs.existsSync(path.resolve(tempDir, '../../evil.lse'))).to.equal(false);
    expect(fs.existsSync(path.resolve('../../evil.lse'))).to.equal(false);
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('skips symlink entries', async function () {
    await fs.promises.symlink('/etc/passwd', path.join(work, 'link.lse'));
    const zip = await zipWithCli('with-link.zip', ['link.lse', LSE_NAME], ['--symlinks']);
    const sources = await open(zip);
    expect(sources.map((s) => s.displayName)).to.deep.equal([`with-link.zip!${LSE_NAME}`]);
    expect(await read(sources[0])).to.equal(LSE_TEXT);
  });

  it('names a corrupt or truncated zip', async function () {
    await writeWork('noise.lse', randomBytes(64 * 1024).toString('hex'));
    const good = await fs.promises.readFile(await zipWithCli('good.zip', ['noise.lse']));
    const scrambled = Buffer.concat([good.subarray(0, 2000), randomBytes(8000), good.subarray(10_000)]);
    const cases = [['random.zip', randomBytes(4096)], ['cut.zip', good.subarray(0, good.length - 30)], ['scrambled.zip', scrambled]] as const;
    for (const [name, data] of cases) {
      const error = await expectSmtError(open(await writeWork(name, data)), 'ZIP_INVALID');
      expect(error.message).to.match(new RegExp(`^${name.replace('.', '\\.')}: `));
    }
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('catches a damaged entry by its CRC', async function () {
    const stored = await fs.promises.readFile(await zipWithCli('stored.zip', [LSE_NAME], ['-0']));
    const zip = await writeWork('damaged.zip', Buffer.from(stored.toString('latin1').replace('68.29', '86.29'), 'latin1'));
    const error = await expectSmtError(open(zip), 'ZIP_INVALID');
    expect(error.message).to.include('CRC');
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('enforces maxFileBytes on plain, zipped and encrypted input', async function () {
    const big = await writeWork('big.lse', LSE_TEXT.repeat(2000));
    const limit = { maxFileBytes: 100_000 };
    expect((await expectSmtError(open(big, limit), 'FILE_TOO_LARGE')).message).to.include('big.lse').and.include('100000');
    const zip = await zipWithCli('big.zip', ['big.lse']);
    expect((await fs.promises.stat(zip)).size).to.be.below(limit.maxFileBytes);
    expect((await expectSmtError(open(zip, limit), 'FILE_TOO_LARGE')).message).to.include('big.zip');
    for (const inner of [zip, big]) {
      const encrypted = await gpgEncrypt(inner, platform.fingerprint, false, '.pgp');
      expect((await fs.promises.stat(encrypted)).size).to.be.below(limit.maxFileBytes);
      const error = await expectSmtError(open(encrypted, limit), 'FILE_TOO_LARGE');
      expect(error.message).to.include(path.basename(encrypted)).and.include('100000');
    }
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('counts the total of all entries and removes those already extracted', async function () {
    const zip = await writeWork('two.zip', await yazlZip([
      { name: 'one.lse', data: LSE_TEXT.repeat(300) },
      { name: 'two.lse', data: LSE_TEXT.repeat(300) },
    ]));
    const error = await expectSmtError(open(zip, { maxFileBytes: LSE_TEXT.length * 500 }), 'FILE_TOO_LARGE');
    expect(error.message).to.include('two.zip');
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('refuses a zip bomb, including one whose header understates the size', async function () {
    const honest = await yazlZip([{ name: 'zeros.lse', data: Buffer.alloc(4 * 1024 * 1024) }]);
    const bomb = await expectSmtError(open(await writeWork('bomb.zip', honest)), 'ZIP_INVALID');
    expect(bomb.message).to.include('bomb.zip!zeros.lse').and.include('zip bomb');
    // Central directory: uncompressed size at byte 24 of the entry record.
    const lying = Buffer.from(honest);
    lying.writeUInt32LE(100, lying.indexOf(Buffer.from('PK\x01\x02', 'latin1')) + 24);
    const error = await expectSmtError(open(await writeWork('liar.zip', lying)), 'ZIP_INVALID');
    expect(error.message).to.include('liar.zip');
    expect(await tempFiles()).to.deep.equal([]);
  });

  it('refuses more than 1000 entries', async function () {
    const entries = Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}.lse`, data: 'x' }));
    const error = await expectSmtError(open(await writeWork('many.zip', await yazlZip(entries))), 'ZIP_INVALID');
    expect(error.message).to.include('many.zip').and.include('1001 entries');
  });

  it('refuses other extensions and missing files', async function () {
    const error = await expectSmtError(open(await writeWork('report.txt', 'x')), 'FILE_UNREADABLE');
    expect(error.message).to.equal('report.txt: not an LSE input (expected .lse, .zip, .pgp, .gpg or .asc)');
    await expectSmtError(open(await writeWork('usage.csv.lse', 'x')), 'FILE_UNREADABLE');
    await expectSmtError(open(path.join(work, 'absent.lse')), 'FILE_UNREADABLE');
  });
});
