import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Client } from 'basic-ftp';
import { expect } from 'chai';
import { RawFtpClient } from '../support/ftp-raw-client';
import { download, expectFtpError, filesIn, FtpsHarness, randomPortRange, sha256, TDSP_DUNS } from '../support/ftps-harness';

/** Chunks with a pause between them; `between` runs after each chunk has gone out, while the upload is in flight. */
async function* slowly(data: Buffer, between: (sent: number) => void = () => undefined, chunkBytes = 64 * 1024): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += chunkBytes) {
    yield data.subarray(at, at + chunkBytes);
    await new Promise((resolve) => setTimeout(resolve, 2));
    between(Math.min(at + chunkBytes, data.length));
  }
}

describe('FTPS site: TDSP uploads', function () {
  this.timeout(120_000);
  const harness = new FtpsHarness({ SMT_FTPS_MAX_UPLOAD_MB: '8' });
  let tdsp: Client;
  let inbound: string;

  before(async () => {
    await harness.start();
    inbound = harness.folder(TDSP_DUNS, 'inbound');
    tdsp = await harness.client('Demo TDSP', harness.tdsp.password);
  });

  after(async () => {
    tdsp?.close();
    await harness.stop();
  });

  it('uploads into inbound/; onUpload fires with the final path only once the upload is complete', async () => {
    const lse = crypto.randomBytes(3 * 1024 * 1024);
    const finalPath = path.join(inbound, 'LSE_20250701.zip');
    const seenDuringUpload: { finalExists: boolean; uploads: number; partials: number }[] = [];
    const observe = () => seenDuringUpload.push({ finalExists: fs.existsSync(finalPath), uploads: harness.uploads.length, partials: filesIn(inbound).filter((f) => f.startsWith('.partial-')).length });
    const reply = await tdsp.uploadFrom(Readable.from(slowly(lse, observe)), `/${TDSP_DUNS}/inbound/LSE_20250701.zip`);
    expect(reply.code).to.equal(226);
    expect(seenDuringUpload.length).to.equal(48);
    expect(seenDuringUpload.every((s) => !s.finalExists && s.uploads === 0 && s.partials === 1)).to.equal(true);
    expect(harness.uploads).to.deep.equal([{ account: 'Demo TDSP', duns: TDSP_DUNS, path: fs.realpathSync(finalPath) }]);
    expect(sha256(fs.readFileSync(finalPath))).to.equal(sha256(lse));
    expect(filesIn(inbound)).to.deep.equal(['LSE_20250701.zip']);
    // The TDSP may fetch back what it uploaded, but not delete it from under the ingest.
    expect(sha256(await download(tdsp, `/${TDSP_DUNS}/inbound/LSE_20250701.zip`))).to.equal(sha256(lse));
    expect(await expectFtpError(tdsp.remove(`/${TDSP_DUNS}/inbound/LSE_20250701.zip`), 550)).to.contain('delete is not allowed');
  });

  it('uploads with curl (which ends the data connection with close_notify)', async () => {
    const file = path.join(harness.dataDir, 'curl-upload.lse');
    fs.writeFileSync(file, crypto.randomBytes(1024 * 1024));
    const curl = await harness.curl(TDSP_DUNS, harness.tdsp.password, `/${TDSP_DUNS}/inbound/curl-upload.lse`, ['-T', file]);
    expect(curl.status, curl.err).to.equal(0);
    expect(sha256(fs.readFileSync(path.join(inbound, 'curl-upload.lse')))).to.equal(sha256(fs.readFileSync(file)));
    expect(harness.uploads.map((u) => path.basename(u.path))).to.include('curl-upload.lse');
  });

  it('discards an upload whose data connection is cut mid-stream, and never reports it', async () => {
    const before = harness.uploads.length;
    // What a dropped line or a killed client looks like: the TCP connection ends without TLS close_notify.
    const cut = (sent: number) => {
      if (sent >= 1024 * 1024) tdsp.ftp.dataSocket?.destroy();
    };
    const outcome = await tdsp.uploadFrom(Readable.from(slowly(crypto.randomBytes(4 * 1024 * 1024), cut)), `/${TDSP_DUNS}/inbound/cut.lse`).then(() => 'completed', () => 'failed');
    expect(outcome).to.equal('failed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(filesIn(inbound).filter((f) => f.includes('cut.lse'))).to.deep.equal([]);
    expect(harness.uploads.length).to.equal(before);
    const discarded = (await harness.logLines()).find((l) => l.message === 'ftps: upload discarded' && l.path === `/${TDSP_DUNS}/inbound/cut.lse`);
    expect(discarded?.reason).to.contain('close_notify');
    tdsp.close();
    tdsp = await harness.client('Demo TDSP', harness.tdsp.password);
  });

  it('cuts off an upload over the size limit with 552 and keeps nothing', async () => {
    const raw = await RawFtpClient.connect(harness.server.port);
    try {
      await raw.upgrade(harness.caPem);
      expect((await raw.login('Demo TDSP', harness.tdsp.password)).code).to.equal(230);
      await raw.send('PBSZ 0');
      await raw.send('PROT P');
      const data = await raw.openData(harness.caPem);
      expect((await raw.send(`STOR /${TDSP_DUNS}/inbound/huge.lse`)).code).to.equal(150);
      data.on('error', () => undefined);
      for (let i = 0; i < 40 && !data.destroyed; i++) {
        data.write(crypto.randomBytes(256 * 1024));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const reply = await raw.reply();
      expect(reply.code).to.equal(552);
      expect(reply.text).to.contain('exceeds 8 MiB');
      expect(filesIn(inbound).filter((f) => f.includes('huge.lse'))).to.deep.equal([]);
      data.destroy();
    } finally {
      raw.close();
    }
  });

  it('aborts an upload on ABOR: 426 for the STOR, then 226, and nothing kept', async () => {
    const raw = await RawFtpClient.connect(harness.server.port);
    try {
      await raw.upgrade(harness.caPem);
      await raw.login('Demo TDSP', harness.tdsp.password);
      await raw.send('PBSZ 0');
      await raw.send('PROT P');
      const data = await raw.openData(harness.caPem);
      expect((await raw.send(`STOR /${TDSP_DUNS}/inbound/aborted.lse`)).code).to.equal(150);
      data.write(crypto.randomBytes(512 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(filesIn(inbound).filter((f) => f.endsWith('-aborted.lse'))).to.have.length(1);
      raw.write('ABOR');
      expect((await raw.reply()).code).to.equal(426);
      expect((await raw.reply()).code).to.equal(226);
      expect(filesIn(inbound).filter((f) => f.includes('aborted.lse'))).to.deep.equal([]);
      expect(harness.uploads.map((u) => path.basename(u.path))).to.not.include('aborted.lse');
      expect((await raw.send('NOOP')).code).to.equal(200);
    } finally {
      raw.close();
    }
  });

  it('never replaces an existing file, and refuses uploads outside inbound/ and hidden names', async () => {
    const original = fs.readFileSync(path.join(inbound, 'curl-upload.lse'));
    expect(await expectFtpError(tdsp.uploadFrom(Readable.from([Buffer.from('other')]), `/${TDSP_DUNS}/inbound/curl-upload.lse`), 550)).to.contain('already exists');
    expect(fs.readFileSync(path.join(inbound, 'curl-upload.lse')).equals(original)).to.equal(true);
    await expectFtpError(tdsp.uploadFrom(Readable.from([Buffer.from('x')]), `/${TDSP_DUNS}/reports/fake-report.csv`), 550);
    await expectFtpError(tdsp.uploadFrom(Readable.from([Buffer.from('x')]), `/${TDSP_DUNS}/inbound/.hidden.lse`), 550);
    await expectFtpError(tdsp.uploadFrom(Readable.from([Buffer.from('x')]), `/${TDSP_DUNS}/inbound/sub/deeper.lse`), 550);
    expect(filesIn(inbound).filter((f) => f.startsWith('.'))).to.deep.equal([]);
    expect(filesIn(harness.folder(TDSP_DUNS, 'reports'))).to.deep.equal([]);
  });

  it('fetches and deletes activity reports in reports/', async () => {
    fs.writeFileSync(path.join(harness.folder(TDSP_DUNS, 'reports'), 'LSE_20250701.zip.activity.csv'), 'result\n');
    expect((await tdsp.list(`/${TDSP_DUNS}`)).map((f) => f.name)).to.deep.equal(['inbound', 'reports']);
    expect((await download(tdsp, `/${TDSP_DUNS}/reports/LSE_20250701.zip.activity.csv`)).toString()).to.equal('result\n');
    await tdsp.remove(`/${TDSP_DUNS}/reports/LSE_20250701.zip.activity.csv`);
    expect(filesIn(harness.folder(TDSP_DUNS, 'reports'))).to.deep.equal([]);
  });

  it('opens data connections only on ports of the passive range, trying every one of them', async () => {
    const range = randomPortRange(3);
    const app = harness.newApp({ SMT_FTPS_PASSIVE_PORTS: range.join('-') });
    const server = await app.startFtpsServer(() => undefined);
    // Other programs hold the first two ports of the range.
    const squatters = await Promise.all([range[0], range[0] + 1].map((port) => listenOn(port)));
    const client = await harness.client('Demo TDSP', harness.tdsp.password, { port: server.port });
    try {
      for (let i = 0; i < 4; i++) {
        const epsv = await client.send('EPSV');
        expect(Number(/\|\|\|(\d+)\|/.exec(epsv.message)![1])).to.equal(range[1]);
        await client.send('ABOR');
      }
      // One usable port serves transfer after transfer: each gives it back when done.
      for (let i = 0; i < 3; i++) expect((await client.list(`/${TDSP_DUNS}`)).length).to.equal(2);
      squatters.push(await listenOn(range[1]));
      const message = await expectFtpError(client.send('EPSV'), 425);
      expect(message).to.contain(`No passive port is free (${range.join('-')})`);
    } finally {
      client.close();
      for (const squatter of squatters) squatter.close();
    }
  });
});

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
