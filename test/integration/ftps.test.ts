import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Client } from 'basic-ftp';
import { expect } from 'chai';
import { PARTIAL_PREFIX } from '../../src/delivery/atomic-write';
import { download, expectFtpError, filesIn, FtpsHarness, REP_DUNS, sha256, TDSP_DUNS } from '../support/ftps-harness';

describe('FTPS site: what a REP sees and fetches', function () {
  this.timeout(120_000);
  const harness = new FtpsHarness();
  let rep: Client;
  let adhoc: string;
  let secret: string;
  const report = crypto.randomBytes(5 * 1024 * 1024 + 123);

  before(async () => {
    await harness.start();
    adhoc = harness.folder(REP_DUNS, 'adhoc');
    fs.writeFileSync(path.join(adhoc, 'usage-report.zip.pgp'), report);
    // Another participant's file: every escape attempt below aims at it.
    secret = path.join(harness.folder(TDSP_DUNS, 'reports'), 'secret.csv');
    fs.writeFileSync(secret, 'not for the REP\n');
    rep = await harness.client('Demo REP', harness.rep.password);
  });

  after(async () => {
    rep?.close();
    await harness.stop();
  });

  it('downloads a delivered file byte for byte with basic-ftp and with curl, and resumes with REST', async () => {
    expect(sha256(await download(rep, `/${REP_DUNS}/adhoc/usage-report.zip.pgp`))).to.equal(sha256(report));
    const resumed = await download(rep, `/${REP_DUNS}/adhoc/usage-report.zip.pgp`, 4_000_000);
    expect(sha256(resumed)).to.equal(sha256(report.subarray(4_000_000)));

    const curl = await harness.curl(REP_DUNS, harness.rep.password, `/${REP_DUNS}/adhoc/usage-report.zip.pgp`);
    expect(curl.status, curl.err).to.equal(0);
    expect(sha256(curl.out)).to.equal(sha256(report));
    const downloads = (await harness.logLines()).filter((l) => l.message === 'ftps: download');
    expect(downloads.length).to.be.at.least(3);
    expect(downloads[0]).to.include({ participant: 'Demo REP', path: `/${REP_DUNS}/adhoc/usage-report.zip.pgp`, bytes: report.length, ip: '127.0.0.1' });
  });

  it('sees only its own DUNS at the root, and exactly adhoc/ and daily/ inside it', async () => {
    const root = await rep.list('/');
    expect(root.map((f) => [f.name, f.isDirectory])).to.deep.equal([[REP_DUNS, true]]);
    expect((await rep.list(`/${REP_DUNS}`)).map((f) => f.name)).to.deep.equal(['adhoc', 'daily']);
    expect((await rep.list(`/${REP_DUNS}/daily`))).to.deep.equal([]);
    const files = await rep.list(`/${REP_DUNS}/adhoc`);
    expect(files.map((f) => [f.name, f.size])).to.deep.equal([['usage-report.zip.pgp', report.length]]);
    const modified = fs.statSync(path.join(adhoc, 'usage-report.zip.pgp')).mtime;
    expect(await rep.size(`/${REP_DUNS}/adhoc/usage-report.zip.pgp`)).to.equal(report.length);
    expect((await rep.lastMod(`/${REP_DUNS}/adhoc/usage-report.zip.pgp`)).getTime()).to.equal(Math.floor(modified.getTime() / 1000) * 1000);
    expect((await rep.send(`MLST /${REP_DUNS}/adhoc/usage-report.zip.pgp`)).message).to.contain(`type=file;size=${report.length};`).and.contain('perm=rd;');
    const curlRoot = await harness.curl('Demo REP', harness.rep.password, '/', ['--list-only']);
    expect(curlRoot.out.toString().split(/\r?\n/).filter(Boolean)).to.deep.equal([REP_DUNS]);
  });

  it("cannot see, enter or read another DUNS's folder", async () => {
    expect(await expectFtpError(rep.cd(`/${TDSP_DUNS}`), 550)).to.contain('No such file or folder');
    await expectFtpError(rep.list(`/${TDSP_DUNS}/reports`), 550);
    await expectFtpError(download(rep, `/${TDSP_DUNS}/reports/secret.csv`), 550);
    await expectFtpError(rep.size(`/${TDSP_DUNS}/reports/secret.csv`), 550);
    // A TDSP's folders do not exist for a REP even inside its own DUNS.
    await expectFtpError(rep.cd(`/${REP_DUNS}/reports`), 550);
    await rep.cd('/');
  });

  it('cannot upload into adhoc/ or daily/', async () => {
    for (const folder of ['adhoc', 'daily']) {
      const message = await expectFtpError(rep.uploadFrom(Readable.from([Buffer.from('x')]), `/${REP_DUNS}/${folder}/upload.csv`), 550);
      expect(message).to.contain('upload is not allowed');
      expect(filesIn(harness.folder(REP_DUNS, folder))).to.not.include('upload.csv');
    }
    expect(filesIn(adhoc).filter((f) => f.startsWith('.'))).to.deep.equal([]);
  });

  it('cannot escape its folders with .., absolute real paths, %2e%2e or backslashes', async () => {
    await rep.cd(`/${REP_DUNS}/adhoc`);
    const attempts = [
      `../../${TDSP_DUNS}/reports/secret.csv`,
      `/${REP_DUNS}/adhoc/../../${TDSP_DUNS}/reports/secret.csv`,
      '/../../../../etc/passwd',
      '../../../secret.csv',
      secret,
      path.relative(adhoc, secret),
      `%2e%2e/%2e%2e/${TDSP_DUNS}/reports/secret.csv`,
      `%2E%2E%2F%2E%2E%2F${TDSP_DUNS}%2Freports%2Fsecret.csv`,
      `..\\..\\${TDSP_DUNS}\\reports\\secret.csv`,
      `\\${TDSP_DUNS}\\reports\\secret.csv`,
    ];
    for (const attempt of attempts) {
      await expectFtpError(download(rep, attempt), 550);
    }
    for (const folder of ['../../..', '/..', '/../..', `/${REP_DUNS}/../..`, '%2e%2e', `..\\${TDSP_DUNS}`, path.dirname(secret)]) {
      await expectFtpError(rep.cd(folder), 550);
    }
    expect(await rep.pwd()).to.equal(`/${REP_DUNS}/adhoc`);
    // Inside the root, .. is ordinary navigation.
    await rep.cd('../..');
    expect(await rep.pwd()).to.equal('/');
    // curl decodes %2e%2e itself and sends CWD ..; the root stops it.
    const curl = await harness.curl('Demo REP', harness.rep.password, `/%2e%2e/%2e%2e/${TDSP_DUNS}/reports/secret.csv`);
    expect(curl.status).to.not.equal(0);
    expect(curl.out.toString()).to.not.contain('not for the REP');
    await rep.cd('/');
  });

  it("neither lists nor follows a symlink placed in its folder, to a file or as a folder", async () => {
    fs.symlinkSync(secret, path.join(adhoc, 'link-to-secret.csv'));
    expect((await rep.list(`/${REP_DUNS}/adhoc`)).map((f) => f.name)).to.not.include('link-to-secret.csv');
    await expectFtpError(download(rep, `/${REP_DUNS}/adhoc/link-to-secret.csv`), 550);
    await expectFtpError(rep.size(`/${REP_DUNS}/adhoc/link-to-secret.csv`), 550);
    await expectFtpError(rep.remove(`/${REP_DUNS}/adhoc/link-to-secret.csv`), 550);
    const curl = await harness.curl('Demo REP', harness.rep.password, `/${REP_DUNS}/adhoc/link-to-secret.csv`);
    expect(curl.status).to.not.equal(0);
    expect(curl.out.length).to.equal(0);

    const daily = harness.folder(REP_DUNS, 'daily');
    fs.rmSync(daily, { recursive: true });
    fs.symlinkSync(path.dirname(secret), daily);
    await expectFtpError(rep.list(`/${REP_DUNS}/daily`), 550);
    await expectFtpError(download(rep, `/${REP_DUNS}/daily/secret.csv`), 550);
    await expectFtpError(rep.cd(`/${REP_DUNS}/daily`), 550);
    expect(fs.readFileSync(secret, 'utf8')).to.equal('not for the REP\n');
    expect((await harness.logLines()).some((l) => l.message === 'ftps: path refused' && l.path === `/${REP_DUNS}/daily`)).to.equal(true);
    fs.unlinkSync(daily);
    fs.unlinkSync(path.join(adhoc, 'link-to-secret.csv'));
  });

  it('never shows or serves files still being written', async () => {
    const partial = `${PARTIAL_PREFIX}0123456789ab-daily-usage.csv`;
    fs.writeFileSync(path.join(adhoc, partial), 'half a file');
    expect((await rep.list(`/${REP_DUNS}/adhoc`)).map((f) => f.name)).to.deep.equal(['usage-report.zip.pgp']);
    const nlst = await harness.curl('Demo REP', harness.rep.password, `/${REP_DUNS}/adhoc/`, ['--list-only']);
    expect(nlst.out.toString().trim()).to.equal('usage-report.zip.pgp');
    await expectFtpError(download(rep, `/${REP_DUNS}/adhoc/${partial}`), 550);
    await expectFtpError(rep.remove(`/${REP_DUNS}/adhoc/${partial}`), 550);
    expect(filesIn(adhoc)).to.include(partial);
  });

  it('deletes a fetched file from adhoc/ with DELE', async () => {
    fs.writeFileSync(path.join(adhoc, 'fetched.csv'), 'done with it');
    await rep.remove(`/${REP_DUNS}/adhoc/fetched.csv`);
    expect(filesIn(adhoc)).to.not.include('fetched.csv');
    await expectFtpError(rep.remove(`/${REP_DUNS}/adhoc/fetched.csv`), 550);
    await expectFtpError(rep.remove(`/${REP_DUNS}/adhoc`), 550);
    expect((await harness.logLines()).some((l) => l.message === 'ftps: delete' && l.path === `/${REP_DUNS}/adhoc/fetched.csv`)).to.equal(true);
  });
});
