import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { expect } from 'chai';
import { RawFtpClient } from '../support/ftp-raw-client';
import { download, FtpsHarness, REP_DUNS, sha256, TDSP_DUNS } from '../support/ftps-harness';

/** A TLS connection to a passive port: whether its handshake completed, and every byte it received. */
interface DataAttempt {
  secured: boolean;
  received: () => Buffer;
  closed: Promise<void>;
  socket: tls.TLSSocket;
}

/** Connects to a data port, resuming `session` if given (a stranger offers none), and settles once TLS is up or the server cut it. */
function dataAttempt(port: number, caPem: string, options: { session?: Buffer; cert?: string; key?: string; send?: Buffer } = {}): Promise<DataAttempt> {
  const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost', session: options.session, cert: options.cert, key: options.key });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise((resolve) => {
    const settle = (secured: boolean) => resolve({ secured, received: () => Buffer.concat(chunks), closed, socket });
    socket.once('secureConnect', () => {
      if (options.send) socket.end(options.send);
      settle(true);
    });
    void closed.then(() => settle(false));
  });
}

describe('FTPS site: a data connection belongs to its control connection', function () {
  this.timeout(120_000);
  const harness = new FtpsHarness();
  const open: RawFtpClient[] = [];
  const report = crypto.randomBytes(300 * 1024);
  const reportPath = `/${REP_DUNS}/adhoc/IntervalMeterUsage20250701.CSV.${REP_DUNS}.asc`;

  /** A control connection through AUTH TLS, login, PBSZ 0 and PROT P. */
  async function session(user: string, password: string, tlsOptions: tls.ConnectionOptions = {}, port = harness.server.port): Promise<RawFtpClient> {
    const raw = await RawFtpClient.connect(port);
    open.push(raw);
    await raw.upgrade(harness.caPem, tlsOptions);
    expect((await raw.login(user, password)).code).to.equal(230);
    await raw.send('PBSZ 0');
    await raw.send('PROT P');
    return raw;
  }

  const refusals = async () => (await harness.logLines()).filter((l) => l.message === 'ftps: data connection refused');

  before(async () => {
    await harness.start();
    fs.writeFileSync(path.join(harness.folder(REP_DUNS, 'adhoc'), path.basename(reportPath)), report);
    harness.folder(TDSP_DUNS, 'inbound');
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  after(() => harness.stop());

  it("sends a REP's file only over the REP's own data connection when a stranger connects to the passive port first", async () => {
    const rep = await session('Demo REP', harness.rep.password);
    const port = await rep.epsv();
    const stranger = await dataAttempt(port, harness.caPem);
    const own = await dataAttempt(port, harness.caPem, { session: rep.tlsSession });
    expect(own.secured, 'the REP completes its data connection').to.equal(true);
    expect((await rep.send(`RETR ${reportPath}`)).code).to.equal(150);
    expect((await rep.reply()).code).to.equal(226);
    await Promise.all([own.closed, stranger.closed]);
    expect(sha256(own.received())).to.equal(sha256(report));
    expect(stranger.received().length).to.equal(0);
    expect((await refusals()).at(-1)).to.include({ participant: 'Demo REP', dataPort: port }).and.to.have.property('peer').that.matches(/^127\.0\.0\.1:\d+$/);
  });

  it('fails the transfer with 425 when the only connection to the passive port does not resume the TLS session, and sends nothing', async () => {
    const rep = await session('Demo REP', harness.rep.password);
    const port = await rep.epsv();
    const stranger = await dataAttempt(port, harness.caPem);
    expect((await rep.send(`RETR ${reportPath}`)).code).to.equal(150);
    expect(await rep.reply()).to.deep.equal({ code: 425, text: "425 Data connection refused: its TLS handshake failed (a data connection must resume the control connection's TLS session)" });
    await stranger.closed;
    expect(stranger.received().length).to.equal(0);
    // The REP's session is unharmed: the next transfer, on its own connection, goes through.
    const again = await rep.epsv();
    const own = await dataAttempt(again, harness.caPem, { session: rep.tlsSession });
    expect((await rep.send(`RETR ${reportPath}`)).code).to.equal(150);
    expect((await rep.reply()).code).to.equal(226);
    await own.closed;
    expect(sha256(own.received())).to.equal(sha256(report));
  });

  it("refuses another logged-in participant resuming its own TLS session on the REP's passive port", async () => {
    const rep = await session('Demo REP', harness.rep.password);
    const tdsp = await session('Demo TDSP', harness.tdsp.password);
    const port = await rep.epsv();
    const intruder = await dataAttempt(port, harness.caPem, { session: tdsp.tlsSession });
    expect((await rep.send(`RETR ${reportPath}`)).code).to.equal(150);
    expect((await rep.reply()).code).to.equal(425);
    await intruder.closed;
    expect(intruder.received().length).to.equal(0);
    // The intruder's own session does resume on its own passive port: the refusal is about whose session it is.
    const own = await dataAttempt(await tdsp.epsv(), harness.caPem, { session: tdsp.tlsSession });
    expect(own.secured).to.equal(true);
    expect(own.socket.isSessionReused()).to.equal(true);
  });

  it("stores a TDSP's upload from its own data connection, never the bytes a stranger sent first", async () => {
    const tdsp = await session('Demo TDSP', harness.tdsp.password);
    const port = await tdsp.epsv();
    const strangerBytes = Buffer.from('a stranger wrote this LSE file');
    const stranger = await dataAttempt(port, harness.caPem, { send: strangerBytes });
    const ownBytes = crypto.randomBytes(64 * 1024);
    const own = await dataAttempt(port, harness.caPem, { session: tdsp.tlsSession });
    expect(own.secured).to.equal(true);
    expect((await tdsp.send(`STOR /${TDSP_DUNS}/inbound/LSE_binding.zip`)).code).to.equal(150);
    own.socket.end(ownBytes);
    expect((await tdsp.reply()).code).to.equal(226);
    await stranger.closed;
    const stored = fs.readFileSync(path.join(harness.dataDir, 'ftps', TDSP_DUNS, 'inbound', 'LSE_binding.zip'));
    expect(sha256(stored)).to.equal(sha256(ownBytes));
    expect(harness.uploads.filter((u) => u.path.endsWith('LSE_binding.zip'))).to.have.length(1);
  });

  it('keeps nothing and reports no upload when only a stranger connects for a STOR', async () => {
    const tdsp = await session('Demo TDSP', harness.tdsp.password);
    const port = await tdsp.epsv();
    const stranger = await dataAttempt(port, harness.caPem, { send: Buffer.from('a stranger wrote this LSE file') });
    expect((await tdsp.send(`STOR /${TDSP_DUNS}/inbound/LSE_stranger.zip`)).code).to.equal(150);
    expect((await tdsp.reply()).code).to.equal(425);
    await stranger.closed;
    expect(fs.readdirSync(path.join(harness.dataDir, 'ftps', TDSP_DUNS, 'inbound')).filter((f) => f.includes('stranger'))).to.deep.equal([]);
    expect(harness.uploads.filter((u) => u.path.includes('stranger'))).to.deep.equal([]);
  });

  it('still works with basic-ftp and curl --ssl-reqd, whose data connections resume the control session', async () => {
    const client = await harness.client('Demo REP', harness.rep.password);
    try {
      expect(sha256(await download(client, reportPath))).to.equal(sha256(report));
    } finally {
      client.close();
    }
    const curl = await harness.curl('Demo REP', harness.rep.password, reportPath);
    expect(curl.status, curl.err).to.equal(0);
    expect(sha256(curl.out)).to.equal(sha256(report));
    const downloads = (await harness.logLines()).filter((l) => l.message === 'ftps: download' && l.path === reportPath);
    expect(downloads.slice(-2).map((l) => l.tlsSessionReused)).to.deep.equal([true, true]);
  });

  it('with client certificates required, accepts a data connection with the same certificate and refuses one with another', async () => {
    const app = harness.newApp({ SMT_FTPS_REQUIRE_CLIENT_CERT: 'true' });
    const server = await app.startFtpsServer(() => undefined);
    const files = (d: typeof harness.rep) => ({ cert: fs.readFileSync(d.clientCertPath, 'utf8'), key: fs.readFileSync(d.clientKeyPath, 'utf8') });
    const rep = await session('Demo REP', harness.rep.password, files(harness.rep), server.port);
    // Another participant's certificate, a full handshake without a certificate, and a stranger's session are refused.
    for (const attempt of [files(harness.tdsp), {}]) {
      const port = await rep.epsv();
      const other = await dataAttempt(port, harness.caPem, attempt);
      expect((await rep.send('NLST /')).code).to.equal(150);
      expect((await rep.reply()).code).to.equal(425);
      await other.closed;
      expect(other.received().length).to.equal(0);
    }
    // The REP's own certificate without resuming, then resuming: both are the REP's.
    for (const attempt of [files(harness.rep), { session: rep.tlsSession }]) {
      const own = await dataAttempt(await rep.epsv(), harness.caPem, attempt);
      expect((await rep.send('NLST /')).code).to.equal(150);
      expect((await rep.reply()).code).to.equal(226);
      await own.closed;
      expect(own.received().toString()).to.equal(`${REP_DUNS}\r\n`);
    }
  });
});
