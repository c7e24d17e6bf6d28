import fs from 'node:fs';
import net from 'node:net';
import type { Client } from 'basic-ftp';
import { expect } from 'chai';
import { silentLogger } from '../../src/core/logger';
import { startFtpsServer, type RunningFtpsServer } from '../../src/delivery/ftps/ftps-server';
import { LOGIN_REFUSED } from '../../src/delivery/ftps/ftps-logins';
import { ensureDevelopmentPki } from '../../src/security/dev-pki';
import { createCertificateAuthority, issueCertificate } from '../../src/security/pki';
import { RawFtpClient } from '../support/ftp-raw-client';
import { expectFtpError, FtpsHarness, randomPortRange, REP_DUNS } from '../support/ftps-harness';

describe('FTPS site: TLS and logins', function () {
  this.timeout(120_000);
  const harness = new FtpsHarness();
  const open: (Client | RawFtpClient)[] = [];
  const track = <T extends Client | RawFtpClient>(client: T): T => (open.push(client), client);

  before(() => harness.start());
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  after(() => harness.stop());

  it('refuses USER and PASS on a plain connection with 530, and accepts only FEAT, SYST, NOOP, AUTH TLS and QUIT there', async () => {
    const raw = track(await RawFtpClient.connect(harness.server.port));
    expect(await raw.send('USER Demo REP')).to.deep.equal({ code: 530, text: '530 TLS required (AUTH TLS first)' });
    expect(await raw.send(`PASS ${harness.rep.password}`)).to.deep.equal({ code: 530, text: '530 TLS required (AUTH TLS first)' });
    for (const command of ['LIST', 'RETR x', 'PBSZ 0', 'PROT P', 'CWD /']) expect((await raw.send(command)).code, command).to.equal(530);
    const feat = await raw.send('FEAT');
    expect(feat.code).to.equal(211);
    for (const feature of ['AUTH TLS', 'PBSZ', 'PROT', 'EPSV', 'MLST', 'SIZE', 'MDTM', 'REST STREAM', 'UTF8']) expect(feat.text).to.contain(` ${feature}`);
    expect((await raw.send('SYST')).code).to.equal(215);
    expect((await raw.send('NOOP')).code).to.equal(200);
    expect((await raw.send('AUTH SSL')).code).to.equal(504);
    expect((await raw.send('PORT 127,0,0,1,4,1')).code).to.equal(502);
    expect((await raw.send('QUIT')).code).to.equal(221);
    // The refused attempts never reached the login check.
    expect((await harness.logLines()).filter((l) => String(l.message).startsWith('ftps: login'))).to.deep.equal([]);
  });

  it('drops commands sent in clear behind AUTH TLS (no command injection into the TLS session)', async () => {
    const raw = track(await RawFtpClient.connect(harness.server.port));
    raw.write('AUTH TLS\r\nUSER Demo REP\r\n');
    expect((await raw.reply()).code).to.equal(234);
    await raw.upgradeAfterReply(harness.caPem);
    expect(await raw.send(`PASS ${harness.rep.password}`)).to.deep.equal({ code: 503, text: '503 Send USER first' });
    expect((await harness.logLines()).some((l) => l.message === 'ftps: commands sent in clear after AUTH TLS were dropped')).to.equal(true);
  });

  it('requires PBSZ 0 and PROT P before any data command, refuses PROT C with 536 and active mode with 502', async () => {
    const raw = track(await RawFtpClient.connect(harness.server.port));
    await raw.upgrade(harness.caPem);
    expect((await raw.send('LIST')).code).to.equal(530);
    expect((await raw.login('Demo REP', harness.rep.password)).code).to.equal(230);
    for (const command of ['EPSV', 'PASV', 'LIST', 'MLSD', `RETR /${REP_DUNS}/adhoc/x`, `STOR /${REP_DUNS}/adhoc/x`]) expect((await raw.send(command)).code, command).to.equal(521);
    expect((await raw.send('PROT P')).code).to.equal(503);
    expect(await raw.send('PBSZ 0')).to.deep.equal({ code: 200, text: '200 PBSZ=0' });
    expect((await raw.send('PROT C')).code).to.equal(536);
    expect((await raw.send('EPSV')).code).to.equal(521);
    expect((await raw.send('PROT P')).code).to.equal(200);
    expect((await raw.send('EPRT |1|127.0.0.1|4000|')).code).to.equal(502);
    expect((await raw.send('SITE CHMOD 777 x')).code).to.equal(502);
    expect((await raw.send(`CWD /${REP_DUNS}/adhoc\0/../../100000001`)).code).to.equal(550);
    expect((await raw.send('EPSV')).code).to.equal(229);
    expect((await raw.send('PASV')).text).to.match(/^227 Entering Passive Mode \(127,0,0,1,\d+,\d+\)$/);
  });

  it("accepts a data connection only from the control connection's address", async () => {
    const raw = track(await RawFtpClient.connect(harness.server.port));
    await raw.upgrade(harness.caPem);
    await raw.login('Demo REP', harness.rep.password);
    await raw.send('PBSZ 0');
    await raw.send('PROT P');
    const port = await raw.epsv();
    // 127.0.0.2 is loopback too, but not the address the control connection came from.
    const intruder = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    intruder.on('error', () => undefined);
    await new Promise((resolve) => intruder.once('close', resolve));
    const data = await raw.connectData(port, harness.caPem);
    let listing = '';
    data.on('data', (chunk: Buffer) => (listing += chunk.toString()));
    const closed = new Promise((resolve) => data.once('close', resolve));
    expect((await raw.send('NLST /')).code).to.equal(150);
    expect((await raw.reply()).code).to.equal(226);
    await closed;
    expect(listing).to.equal(`${REP_DUNS}\r\n`);
    expect((await harness.logLines()).some((l) => l.message === 'ftps: data connection from another address refused' && l.from === '127.0.0.2')).to.equal(true);
  });

  it('refuses a wrong password and an unknown user with the same 530', async () => {
    const wrong = await expectFtpError(harness.client('Demo REP', 'not the password at all'), 530);
    const unknown = await expectFtpError(harness.client('Nobody Inc', 'not the password at all'), 530);
    expect(wrong).to.equal(unknown).and.to.contain('wrong user name or password');
    const failures = (await harness.logLines()).filter((l) => l.message === 'ftps: login failed');
    expect(failures.map((l) => [l.user, l.ip, l.reason])).to.deep.include(['Demo REP', '127.0.0.1', 'AUTH_PASSWORD_INVALID']);
    expect(fs.readFileSync(`${harness.dataDir}/logs/smt.log`, 'utf8')).to.not.contain('not the password at all').and.not.contain(harness.rep.password);
  });

  it('logs in with the entity name in any case or with a DUNS', async () => {
    for (const user of ['demo rep', 'DEMO REP', REP_DUNS]) {
      const client = track(await harness.client(user, harness.rep.password));
      expect(await client.pwd()).to.equal('/');
      expect((await client.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
    }
  });

  it('refuses a login from an address the entity did not register, with the reply of a wrong password', async () => {
    // 127.0.0.3 is loopback too, but not an address Demo REP registered.
    expect(await expectFtpError(harness.client('Demo REP', harness.rep.password, { from: '127.0.0.3' }), 530)).to.equal('530 ' + LOGIN_REFUSED);
    const refused = (await harness.logLines()).filter((l) => l.message === 'ftps: login failed' && l.ip === '127.0.0.3');
    expect(refused.map((l) => [l.reason, l.why])).to.deep.equal([['AUTH_IP_NOT_REGISTERED', 'Logins from 127.0.0.3 are not registered for Demo REP; the operator registers source addresses (smt entity update NAME --ip ...).']]);
    track(await harness.client('Demo REP', harness.rep.password));
  });

  it('locks a participant after 5 failures from its addresses, even for the right password, and logs the counts (more in ftps-lockout.test.ts)', async () => {
    await (await harness.app.credentials()).setIps('Demo TDSP', ['127.0.0.1', '127.0.0.8']);
    const login = (user: string, password: string, from: string) => harness.client(user, password, { from });
    for (let i = 0; i < 5; i++) await expectFtpError(login('Demo TDSP', `wrong password ${i}`, '127.0.0.8'), 530);
    expect(await expectFtpError(login('Demo TDSP', harness.tdsp.password, '127.0.0.1'), 530)).to.equal('530 ' + LOGIN_REFUSED);
    const lines = await harness.logLines();
    const failed = lines.filter((l) => l.message === 'ftps: login failed' && l.ip === '127.0.0.8');
    expect(failed.at(-1)).to.include({ reason: 'AUTH_PASSWORD_INVALID', entity: 'Demo TDSP', failuresForParticipant: 5, failuresFromAddress: 5 }).and.to.have.property('lockedUntil');
    expect(lines.filter((l) => l.message === 'ftps: login refused' && l.reason === 'AUTH_LOCKED').at(-1)).to.include({ ip: '127.0.0.1', entity: 'Demo TDSP' });
    // Another participant at the same address is not locked out.
    track(await harness.client('Demo REP', harness.rep.password));
  });

  it("requires the entity's own client certificate when SMT_FTPS_REQUIRE_CLIENT_CERT is true", async () => {
    const app = harness.newApp({ SMT_FTPS_REQUIRE_CLIENT_CERT: 'true' });
    const server = await app.startFtpsServer(() => undefined);
    const files = (d: typeof harness.rep) => ({ cert: fs.readFileSync(d.clientCertPath, 'utf8'), key: fs.readFileSync(d.clientKeyPath, 'utf8') });
    // The refusals come from another registered address, so that they do not add up with the other tests' failures from 127.0.0.1.
    await (await harness.app.credentials()).setIps('Demo REP', ['127.0.0.1', '127.0.0.7']);
    const refused = async (options: { cert?: string; key?: string }) => {
      expect(await expectFtpError(harness.client('Demo REP', harness.rep.password, { port: server.port, from: '127.0.0.7', ...options }), 530)).to.equal('530 ' + LOGIN_REFUSED);
      return (await harness.logLines()).filter((l) => l.message === 'ftps: login failed' && l.ip === '127.0.0.7').at(-1)!.why;
    };
    expect(await refused({})).to.contain('must present its registered client certificate');
    expect(await refused(files(harness.tdsp))).to.contain('not registered to Demo REP');
    // A certificate the client CA did not issue identifies nobody, whatever its name says.
    const stranger = await issueCertificate(await createCertificateAuthority('another CA', 1), { commonName: 'demo-rep', kind: 'client', days: 30 });
    expect(await refused({ cert: stranger.certPem, key: stranger.keyPem })).to.contain('must present its registered client certificate');
    const client = track(await harness.client('Demo REP', harness.rep.password, { port: server.port, ...files(harness.rep) }));
    expect((await client.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
  });

  const smallServer = async (idleTimeoutMs: number): Promise<RunningFtpsServer> => {
    const pki = await ensureDevelopmentPki(harness.dataDir);
    const accounts = await harness.app.ftpAccounts();
    return startFtpsServer({
      host: '127.0.0.1', port: 0, passivePortRange: randomPortRange(5), tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem },
      ftpsRoot: `${harness.dataDir}/ftps`, maxUploadBytes: 1024, idleTimeoutMs, maxSessionsPerAccount: 2,
      authenticate: (user, password, ip, fingerprint) => accounts.authenticateFtpUser(user, password, ip, fingerprint),
      onUpload: () => undefined, logger: silentLogger(),
    });
  };

  it('limits the sessions of one account, and frees a slot when a session ends', async () => {
    // A long idle timeout: slow logins on a busy machine must not end the sessions this test counts.
    const server = await smallServer(60_000);
    try {
      const login = () => harness.client('Demo REP', harness.rep.password, { port: server.port });
      const first = track(await login());
      track(await login());
      expect(await expectFtpError(login(), 530)).to.contain('already has 2 FTPS sessions open');
      first.close();
      // The server notices the closed connection a moment later.
      let third: Awaited<ReturnType<typeof login>> | null = null;
      for (let i = 0; i < 50 && third === null; i++) {
        third = await login().catch(() => null);
        if (third === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(third, 'a third login once the first session closed').to.not.equal(null);
      track(third!);
    } finally {
      open.splice(0).forEach((c) => c.close());
      await server.close();
    }
  });

  it('closes idle control connections with 421', async () => {
    const server = await smallServer(700);
    try {
      const idle = track(await RawFtpClient.connect(server.port));
      const reply = await idle.reply(10_000);
      expect(reply.code).to.equal(421);
      for (let i = 0; i < 50 && !idle.closed; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(idle.closed).to.equal(true);
    } finally {
      open.splice(0).forEach((c) => c.close());
      await server.close();
    }
  });
});
