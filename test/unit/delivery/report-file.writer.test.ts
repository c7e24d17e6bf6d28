import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import * as openpgp from 'openpgp';
import { PARTIAL_PREFIX } from '../../../src/delivery/atomic-write';
import { generatePgpKeyPair, readPublicKey, type PublicKey } from '../../../src/delivery/pgp';
import { publishStaged, ReportFileWriter, type DeliveredFile, type ReportFileSpec } from '../../../src/delivery/report-file.writer';
import { runTool } from '../../support/run-tool';

const HEADER =
  'ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION\r\n';
const DUNS = '134642921';
/** 06:30:05 CDT (UTC-5) on 2025-07-02. */
const CREATED_AT = new Date('2025-07-02T11:30:05Z');
const STAMP = '20250702063005';

/** One ESI-ID day: 96 interval rows, the batch callers write at once. */
function esiDay(esi: number): string {
  let rows = '';
  for (let i = 0; i < 96; i++) {
    const start = `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`;
    const endMinute = (i + 1) * 15;
    const end = `${String(Math.floor(endMinute / 60) % 24).padStart(2, '0')}:${String(endMinute % 60).padStart(2, '0')}`;
    const kwh = (((esi * 7919 + i * 104729) % 3000) / 1000).toFixed(3);
    rows += `'${String(10443720000000000 + esi)},07/01/2025,07/02/2025 06:00:00,${start},${end},${kwh},A,Consumption\r\n`;
  }
  return rows;
}

/** Rows that barely compress, so a few of them make hundreds of kilobytes of output. */
function noise(rows: number): string {
  let text = '';
  for (let i = 0; i < rows; i++) text += `'${randomBytes(40).toString('hex')},A,Consumption\r\n`;
  return text;
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a rejection').to.be.instanceOf(Error);
  return error as Error;
}

/** Fails once `limit` encrypted bytes have gone through, like a disk filling up mid-file. */
class FailingOutputWriter extends ReportFileWriter {
  protected override async openOutput(partialPath: string): Promise<Writable> {
    const real = await super.openOutput(partialPath);
    let written = 0;
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        if (written > 64 * 1024) return callback(new Error('ENOSPC: no space left on device (simulated)'));
        real.write(chunk, callback);
      },
      final: (callback) => real.end(callback),
      destroy: (error, callback) => {
        real.destroy();
        callback(error);
      },
    });
  }
}

describe('delivery/report-file.writer', function () {
  let work: string;
  let gnupg: NodeJS.ProcessEnv;
  let home: string;
  let recipientKey: PublicKey;
  let folderCount = 0;

  before(async function () {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'smt-report-file-'));
    const pair = await generatePgpKeyPair({ name: 'REP Test', email: 'rep@example.com' });
    recipientKey = await readPublicKey(pair.publicArmored);
    home = path.join(work, 'gnupg');
    await fs.promises.mkdir(home, { mode: 0o700 });
    gnupg = { GNUPGHOME: home };
    await runTool('gpg', ['--batch', '--import'], gnupg, pair.privateArmored);
  });

  after(async function () {
    await runTool('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  /** A folder that does not exist yet, shaped like a REP's FTPS folder. */
  const newFolder = () => path.join(work, `data-${++folderCount}`, 'ftps', DUNS, 'adhoc');

  const specFor = (folder: string, overrides: Partial<ReportFileSpec> = {}): ReportFileSpec => ({
    folder,
    reportName: 'IntervalMeterUsage',
    duns: DUNS,
    recipientKey,
    header: HEADER,
    maxCsvBytes: 1024 * 1024,
    createdAt: CREATED_AT,
    ...overrides,
  });

  /** What a REP does with a delivered file: gpg --decrypt, then unzip. Checks the single entry's name too. */
  async function openDelivered(file: DeliveredFile): Promise<Buffer> {
    const armored = await fs.promises.readFile(file.path, 'latin1');
    expect(armored.startsWith('-----BEGIN PGP MESSAGE-----'), 'ASCII-armored').to.equal(true);
    const zipPath = path.join(work, `${file.fileName}.zip`);
    await fs.promises.writeFile(zipPath, await runTool('gpg', ['--batch', '--quiet', '--decrypt', file.path], gnupg));
    const entries = (await runTool('unzip', ['-Z1', zipPath])).toString().split('\n').filter(Boolean);
    expect(entries).to.deep.equal([file.fileName.slice(0, file.fileName.indexOf('.CSV') + 4)]);
    return runTool('unzip', ['-p', zipPath]);
  }

  it('splits a report into files of about maxCsvBytes, each starting with the header, that gpg and unzip read back', async function () {
    const folder = newFolder();
    const days = Array.from({ length: 6 }, (_, i) => esiDay(i + 1));
    const dayBytes = Buffer.byteLength(days[0]);
    // Header + one day stays under the limit; the second day pushes the file over it.
    const writer = new ReportFileWriter(specFor(folder, { maxCsvBytes: HEADER.length + dayBytes + 100 }));
    for (const day of days) await writer.write(day, 96);
    const files = await writer.close();

    expect(files.map((f) => f.fileName)).to.deep.equal(
      ['001', '002', '003'].map((seq) => `IntervalMeterUsage${STAMP}${seq}.CSV.${DUNS}.asc`),
    );
    expect(files.reduce((sum, f) => sum + f.records, 0)).to.equal(6 * 96);
    for (const [i, file] of files.entries()) {
      const expected = HEADER + days[2 * i] + days[2 * i + 1];
      const csv = await openDelivered(file);
      expect(csv.equals(Buffer.from(expected)), `${file.fileName} byte for byte`).to.equal(true);
      expect(file.records).to.equal(192);
      expect(file.csvBytes).to.equal(csv.length);
      expect(file.path).to.equal(path.join(folder, file.fileName));
      expect(file.bytes).to.equal((await fs.promises.stat(file.path)).size);
    }
    expect((await fs.promises.readdir(folder)).sort(), 'no partial files left').to.deep.equal(files.map((f) => f.fileName));
  });

  it('delivers an empty report as one file holding only the header, creating the folder', async function () {
    const folder = newFolder();
    const writer = new ReportFileWriter(specFor(folder, { reportName: 'DailyMeterUsage', compressionLevel: 1 }));
    const files = await writer.close();
    expect(files).to.have.length(1);
    expect(files[0]).to.include({ fileName: `DailyMeterUsage${STAMP}001.CSV.${DUNS}.asc`, records: 0, csvBytes: HEADER.length });
    expect((await openDelivered(files[0])).toString('latin1')).to.equal(HEADER);
  });

  it('skips sequence numbers taken by delivered files and by other writers still writing', async function () {
    const folder = newFolder();
    await fs.promises.mkdir(folder, { recursive: true });
    const name = (seq: string) => `MonthlyUsage${STAMP}${seq}.CSV.${DUNS}.asc`;
    await fs.promises.writeFile(path.join(folder, name('001')), 'an earlier delivery');
    await fs.promises.writeFile(path.join(folder, `${PARTIAL_PREFIX}${name('002')}`), 'another writer');
    const writer = new ReportFileWriter(specFor(folder, { reportName: 'MonthlyUsage', maxCsvBytes: 10 }));
    await writer.write('row 1\r\n', 1);
    await writer.write('row 2\r\n', 1);
    const files = await writer.close();
    expect(files.map((f) => f.fileName)).to.deep.equal([name('003'), name('004')]);
    expect((await openDelivered(files[1])).toString('latin1')).to.equal(`${HEADER}row 2\r\n`);
    expect(await fs.promises.readFile(path.join(folder, name('001')), 'utf8')).to.equal('an earlier delivery');
  });

  it('closeStaged() keeps the files under partial names until publishStaged(), which can be repeated', async function () {
    const folder = newFolder();
    const writer = new ReportFileWriter(specFor(folder, { maxCsvBytes: HEADER.length + 10 }));
    await writer.write(esiDay(1), 96);
    await writer.write(esiDay(2), 96);
    const staged = await writer.closeStaged();
    expect(staged.map((f) => f.fileName)).to.deep.equal(['001', '002'].map((seq) => `IntervalMeterUsage${STAMP}${seq}.CSV.${DUNS}.asc`));
    const listing = await fs.promises.readdir(folder);
    expect(listing.every((name) => name.startsWith(PARTIAL_PREFIX)), listing.join(', ')).to.equal(true);
    // As after a crash between the two renames: the first file is already published.
    await publishStaged(staged.slice(0, 1));
    await publishStaged(staged);
    await publishStaged(staged);
    expect((await fs.promises.readdir(folder)).sort()).to.deep.equal(staged.map((f) => f.fileName));
    expect((await openDelivered(staged[1])).toString('latin1')).to.equal(HEADER + esiDay(2));
  });

  it('publishStaged() never replaces a file that is not its own', async function () {
    const folder = newFolder();
    const writer = new ReportFileWriter(specFor(folder, { reportName: 'MonthlyUsage' }));
    const [file] = await writer.closeStaged();
    await fs.promises.writeFile(file.path, 'published by someone else');
    expect((await rejectionOf(publishStaged([file]))).message).to.match(/already exists/);
    expect(await fs.promises.readFile(file.path, 'utf8')).to.equal('published by someone else');
    await writer.abort();
    expect(await fs.promises.readdir(folder)).to.deep.equal([file.fileName]);
  });

  it('abort() removes every file of the report, finished splits and the one being written', async function () {
    const folder = newFolder();
    const writer = new ReportFileWriter(specFor(folder, { maxCsvBytes: 20_000 }));
    for (let esi = 1; esi <= 5; esi++) await writer.write(esiDay(esi), 96);
    expect((await fs.promises.readdir(folder)).length, 'partial files exist before the abort').to.be.greaterThan(1);
    await writer.abort();
    expect(await fs.promises.readdir(folder)).to.deep.equal([]);
    await rejectionOf(writer.close());
  });

  it('abort() ends a write() that is waiting on backpressure', async function () {
    const folder = newFolder();
    const writer = new ReportFileWriter(specFor(folder));
    const pending = writer.write(noise(200_000), 200_000);
    await writer.abort();
    await rejectionOf(pending);
    expect(await fs.promises.readdir(folder)).to.deep.equal([]);
  });

  it('a failure mid-stream leaves no file behind, final or partial, and the writer stays failed', async function () {
    const folder = newFolder();
    const writer = new FailingOutputWriter(specFor(folder));
    const error = await rejectionOf(
      (async () => {
        for (let i = 0; i < 20; i++) await writer.write(noise(10_000), 10_000);
        await writer.close();
      })(),
    );
    expect(error.message).to.match(/ENOSPC/);
    expect(await fs.promises.readdir(folder)).to.deep.equal([]);
    expect((await rejectionOf(writer.close())).message).to.match(/ENOSPC/);
    await writer.abort();
  });

  it('a recipient key that cannot encrypt fails the report without leaving a file', async function () {
    const folder = newFolder();
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Signing Only', email: 'sign@example.com' }],
      subkeys: [],
      format: 'object',
    });
    const writer = new ReportFileWriter(specFor(folder, { recipientKey: publicKey }));
    const error = await rejectionOf(
      (async () => {
        await writer.write(esiDay(1), 96);
        await writer.close();
      })(),
    );
    expect(error.message).to.match(/encryption key/i);
    expect(await fs.promises.readdir(folder)).to.deep.equal([]);
  });

  it('refuses a DUNS that could not end a file name', function () {
    expect(() => new ReportFileWriter(specFor(newFolder(), { duns: '../134642921' }))).to.throw(/DUNS/);
  });
});
