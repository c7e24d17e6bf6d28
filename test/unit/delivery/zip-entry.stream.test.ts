import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import yauzl from 'yauzl';
import { zipEntryStream, type ZipEntryOptions } from '../../../src/delivery/zip-entry.stream';
import { runTool } from '../../support/run-tool';

/** Input in uneven chunks, the way CSV arrives from the report threads. */
function chunked(data: Buffer, sizes: number[]): Readable {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length];
    parts.push(data.subarray(at, at + n));
    at += n;
  }
  return Readable.from(parts);
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function readEntries(file: string): Promise<{ name: string; data: Buffer; crc: number; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: { name: string; data: Buffer; crc: number; size: number }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          collect(stream).then((data) => {
            entries.push({ name: entry.fileName, data, crc: entry.crc32, size: entry.uncompressedSize });
            zip.readEntry();
          }, reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('delivery/zip-entry.stream', function () {
  this.timeout(30_000);
  let work: string;
  const mtime = new Date(2026, 2, 8, 14, 30, 22);

  before(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-zip-'))));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  async function zipTo(name: string, data: Buffer, options: Partial<ZipEntryOptions> = {}): Promise<string> {
    const file = path.join(work, name);
    const zipped = await collect(zipEntryStream(chunked(data, [1, 65_536, 7, 300_000]), { name: 'report.csv', compressionLevel: 1, mtime, ...options }));
    fs.writeFileSync(file, zipped);
    return file;
  }

  // Compressible text with random runs, so deflate works and any byte lost or reordered shows.
  const csv = Buffer.concat(Array.from({ length: 2_000 }, (_, i) => Buffer.from(`"1044372000000${i}","2026-03-08","00:15","${randomBytes(3).toString('hex')}","A"\n`)));

  for (const [label, options] of [
    ['deflated', {}],
    ['stored (level 0)', { compressionLevel: 0 }],
    ['with Zip64 records', { forceZip64: true }],
  ] as [string, Partial<ZipEntryOptions>][]) {
    it(`writes one entry, ${label}, that unzip tests and extracts byte for byte`, async () => {
      const file = await zipTo(`${label.replace(/\W+/g, '-')}.zip`, csv, options);
      // runTool rejects on a non-zero exit, with unzip's complaint.
      expect((await runTool('unzip', ['-t', file])).toString()).to.match(/No errors detected/);
      const entries = await readEntries(file);
      expect(entries.map((e) => e.name)).to.deep.equal(['report.csv']);
      expect(entries[0].data.equals(csv)).to.equal(true);
      expect(entries[0].size).to.equal(csv.length);
      expect((await runTool('zipinfo', ['-T', file])).toString()).to.contain('20260308.143022');
    });
  }

  it('writes an empty entry (a report with no rows) that unzip accepts', async () => {
    const file = await zipTo('empty.zip', Buffer.alloc(0));
    expect((await runTool('unzip', ['-t', file])).toString()).to.match(/No errors detected/);
    expect((await readEntries(file))[0].data.length).to.equal(0);
  });

  it('marks a name that is not plain ASCII as UTF-8', async () => {
    const file = path.join(work, 'utf8.zip');
    fs.writeFileSync(file, await collect(zipEntryStream(Readable.from([Buffer.from('x')]), { name: 'año.csv', compressionLevel: 1, mtime })));
    expect((await readEntries(file))[0].name).to.equal('año.csv');
  });

  it('fails the archive when its input fails, instead of ending it as if complete', async () => {
    const failing = new Readable({ read() {} });
    const zipped = collect(zipEntryStream(failing, { name: 'report.csv', compressionLevel: 1, mtime }));
    failing.push(Buffer.from('some rows\n'));
    failing.destroy(new Error('the report thread died'));
    let caught: unknown = null;
    await zipped.catch((error: unknown) => (caught = error));
    expect(String(caught)).to.contain('the report thread died');
  });
});
