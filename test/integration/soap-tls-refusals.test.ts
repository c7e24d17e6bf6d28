import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { expect } from 'chai';
import type { Logger } from '../../src/core/logger';
import { TLS_REFUSAL_WINDOW_MS, TLS_REFUSALS_LOGGED_PER_WINDOW, TlsRefusalLog } from '../../src/soap/tls-refusal-log';
import { SoapHarness } from '../support/soap-harness';

/** A TLS client without a client certificate: the server refuses the handshake. */
function handshakeWithoutCertificate(port: number, ca: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    socket.on('secureConnect', () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    socket.on('data', () => socket.destroy());
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

function refusalLines(dataDir: string): Record<string, unknown>[] {
  const file = path.join(dataDir, 'logs', 'smt.log');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => String(l.message).includes('TLS handshake'));
}

describe('refused TLS handshakes on the SOAP server: logged with peer and reason, rate-limited', function () {
  this.timeout(60_000);
  let harness: SoapHarness;

  before(async () => {
    harness = new SoapHarness(fs.mkdtempSync(path.join(os.tmpdir(), 'smt-tls-refusals-')));
    await harness.start();
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(harness.dataDir, { recursive: true, force: true });
  });

  it('logs at most ten lines a minute for 25 refused handshakes, each naming the peer and why', async () => {
    for (let i = 0; i < 25; i++) await handshakeWithoutCertificate(harness.server.port, harness.caPem);
    for (let i = 0; i < 100 && refusalLines(harness.dataDir).length < TLS_REFUSALS_LOGGED_PER_WINDOW; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // any line past the limit would have been written by now
    const lines = refusalLines(harness.dataDir);
    expect(lines).to.have.length(TLS_REFUSALS_LOGGED_PER_WINDOW);
    for (const line of lines) {
      expect(line.peer).to.match(/^127\.0\.0\.1:\d+$/);
      expect(line.reason).to.be.a('string').and.not.equal('');
    }
    expect(String(lines[0]!.reason)).to.match(/certificate|closed the connection/);
  });

  it('sums up the handshakes past the limit in one line when the minute is over', () => {
    const written: { message: string; meta: Record<string, unknown> }[] = [];
    const logger = { warn: (message: string, meta: Record<string, unknown>) => written.push({ message, meta }) } as unknown as Logger;
    let now = 1_000_000;
    const log = new TlsRefusalLog(logger, 'soap', () => now);
    const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    for (let i = 0; i < 15_150; i++) log.refused(hangUp, { remoteAddress: `10.0.0.${i % 3}`, remotePort: 40000 + i });
    expect(written).to.have.length(TLS_REFUSALS_LOGGED_PER_WINDOW);
    expect(written[0]!.meta).to.include({ peer: '10.0.0.0:40000' });
    expect(String(written[0]!.meta.reason)).to.contain('closed the connection before the handshake finished');
    now += TLS_REFUSAL_WINDOW_MS;
    log.refused(hangUp, { remoteAddress: '10.0.0.9', remotePort: 1 });
    expect(written).to.have.length(TLS_REFUSALS_LOGGED_PER_WINDOW + 2);
    expect(written[TLS_REFUSALS_LOGGED_PER_WINDOW]!.meta).to.include({ count: 15_140, addresses: 3 });
    expect(written[TLS_REFUSALS_LOGGED_PER_WINDOW + 1]!.meta).to.include({ peer: '10.0.0.9:1' });
    log.flush();
  });
});
