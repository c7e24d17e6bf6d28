import net from 'node:net';
import type { Client } from 'basic-ftp';
import { expect } from 'chai';
import { RawFtpClient } from '../support/ftp-raw-client';
import { expectFtpError, FtpsHarness, REP_DUNS } from '../support/ftps-harness';

/** A plain TCP connection that reads reply lines; what a flood is made of. */
class Knock {
  readonly closed: Promise<void>;
  private readonly lines: string[] = [];
  private buffer = '';
  private ended = false;
  private wake: () => void = () => undefined;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\r\n'); end >= 0; end = this.buffer.indexOf('\r\n')) {
        this.lines.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.ended = true;
      this.wake();
      resolve();
    }));
  }

  static open(port: number, from: string): Knock {
    return new Knock(net.connect({ port, host: '127.0.0.1', localAddress: from }));
  }

  /** The next reply line, or null once the server closed the connection without one. */
  async line(): Promise<string | null> {
    while (this.lines.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.lines.shift() ?? null;
  }

  async noop(): Promise<string | null> {
    this.socket.write('NOOP\r\n');
    return this.line();
  }
}

/** Opens the connections at once and reads each greeting; greeted ones send NOOP, as the flood did. */
async function flood(port: number, addresses: string[]): Promise<{ greeted: Knock[]; refused: string[] }> {
  const knocks = addresses.map((from) => Knock.open(port, from));
  const greetings = await Promise.all(knocks.map((k) => k.line()));
  const greeted = knocks.filter((_, i) => greetings[i]?.startsWith('220 '));
  expect(await Promise.all(greeted.map((k) => k.noop()))).to.satisfy((replies: string[]) => replies.every((r) => r === '200 NOOP ok'));
  return { greeted, refused: greetings.filter((g): g is string => !g?.startsWith('220 ')) };
}

describe('FTPS site: connection floods and the login deadline', function () {
  this.timeout(120_000);
  const open: (Client | RawFtpClient | Knock)[] = [];
  const closeAll = () => open.splice(0).forEach((c) => (c instanceof Knock ? c.socket.destroy() : c.close()));

  describe('with the default limits', () => {
    const harness = new FtpsHarness();
    before(() => harness.start());
    afterEach(closeAll);
    after(() => harness.stop());

    it('greets 8 of 256 NOOP connections from one address, answers the rest 421, and still logs a participant in from its own address', async () => {
      const { greeted, refused } = await flood(harness.server.port, Array.from({ length: 256 }, () => '127.0.0.2'));
      open.push(...greeted);
      expect(greeted.length).to.equal(8);
      expect(refused.length).to.equal(248);
      expect(new Set(refused)).to.deep.equal(new Set(['421 Your address already has 8 connections that have not logged in (at most 8); log in on one or close it']));
      const rep = await harness.client('Demo REP', harness.rep.password);
      open.push(rep);
      expect((await rep.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
      const refusals = (await harness.logLines()).filter((l) => l.message === 'ftps: connections refused');
      expect(refusals[0]).to.include({ lastIp: '127.0.0.2', maxConnectionsPerIp: 8, maxConnections: 256 });
    });

    it('lets a participant in during a NOOP flood from 256 addresses: the oldest connections that never started TLS make room', async () => {
      const addresses = Array.from({ length: 256 }, (_, i) => `127.0.${1 + Math.floor(i / 250)}.${(i % 250) + 1}`);
      const knocks = addresses.map((from) => Knock.open(harness.server.port, from));
      open.push(...knocks);
      expect(new Set(await Promise.all(knocks.map((k) => k.line())))).to.satisfy((greetings: Set<string>) => [...greetings].every((g) => g.startsWith('220 ')));
      const answers = await Promise.all(knocks.map((k) => k.noop()));
      const evicted = '421 Too many connections are waiting to log in; this one had not sent AUTH TLS and was closed to make room';
      expect(answers.filter((a) => a === evicted).length).to.equal(128);
      expect(answers.filter((a) => a === '200 NOOP ok').length).to.equal(128);
      const rep = await harness.client('Demo REP', harness.rep.password);
      open.push(rep);
      expect((await rep.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
    });

    it('closes a connection that sends more than 24 commands before logging in', async () => {
      const knock = Knock.open(harness.server.port, '127.0.0.3');
      open.push(knock);
      expect(await knock.line()).to.match(/^220 /);
      const replies: (string | null)[] = [];
      for (let i = 0; i < 26; i++) replies.push(await knock.noop());
      expect(replies.slice(0, 24).every((r) => r === '200 NOOP ok')).to.equal(true);
      expect(replies[24]).to.equal('421 More than 24 commands without logging in; closing the connection');
      expect(replies[25]).to.equal(null);
      await knock.closed;
    });

    it('closes a connection whose line passes 1024 bytes before login, and allows longer lines after it', async () => {
      const knock = Knock.open(harness.server.port, '127.0.0.3');
      open.push(knock);
      expect(await knock.line()).to.match(/^220 /);
      knock.socket.write(`NOOP ${'x'.repeat(2000)}\r\n`);
      expect(await knock.line()).to.equal('500 Command line longer than 1024 bytes; closing the connection');
      await knock.closed;
      const raw = await RawFtpClient.connect(harness.server.port);
      open.push(raw);
      await raw.upgrade(harness.caPem);
      expect((await raw.login('Demo REP', harness.rep.password)).code).to.equal(230);
      expect((await raw.send(`NOOP ${'x'.repeat(2000)}`)).code).to.equal(200);
    });
  });

  describe('with SMT_FTPS_MAX_CONNECTIONS=16 and an 8 s login deadline', () => {
    const harness = new FtpsHarness({ SMT_FTPS_MAX_CONNECTIONS: '16', SMT_FTPS_LOGIN_TIMEOUT_S: '8' });
    before(() => harness.start());
    afterEach(closeAll);
    after(() => harness.stop());

    it('lets connections that started TLS but never log in hold only the slots of those not logged in, until the deadline', async () => {
      const early = await harness.client('Demo REP', harness.rep.password);
      open.push(early);
      const holders: RawFtpClient[] = [];
      for (let i = 1; i <= 8; i++) {
        const raw = await RawFtpClient.connect(harness.server.port, `127.0.1.${i}`);
        open.push(raw);
        await raw.upgrade(harness.caPem);
        holders.push(raw);
      }
      // A new client hears why it cannot come in, and the session that logged in before keeps working.
      expect(await expectFtpError(harness.client('Demo REP', harness.rep.password), 421)).to.equal('421 Too many connections are waiting to log in (8); try again shortly');
      expect((await early.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
      // At the deadline each holder is told why and closed, which lets participants in again.
      const goodbyes = await Promise.all(holders.map((h) => h.reply(60_000)));
      expect(new Set(goodbyes.map((g) => g.text))).to.deep.equal(new Set(['421 Not logged in within 8 s of connecting (AUTH TLS, USER, PASS); closing the connection']));
      const late = await harness.client('Demo REP', harness.rep.password);
      open.push(late);
      expect((await late.list('/')).map((f) => f.name)).to.deep.equal([REP_DUNS]);
    });

    it('closes a connection that finished AUTH TLS and USER but not PASS by the deadline', async () => {
      const raw = await RawFtpClient.connect(harness.server.port, '127.0.0.4');
      open.push(raw);
      await raw.upgrade(harness.caPem);
      expect((await raw.send('USER Demo REP')).code).to.equal(331);
      expect(await raw.reply(60_000)).to.deep.equal({ code: 421, text: '421 Not logged in within 8 s of connecting (AUTH TLS, USER, PASS); closing the connection' });
      const deadlines = (await harness.logLines()).filter((l) => l.message === 'ftps: login deadline passed' && l.ip === '127.0.0.4');
      expect(deadlines).to.have.length(1);
      expect(deadlines[0]).to.include({ secure: true });
    });
  });
});
