import { expect } from 'chai';
import { WsSecurityPool } from '../../../src/security/ws-security.pool';
import { verifyWsSecurity } from '../../../src/security/ws-security.verifier';
import { expectSmtError } from '../../support/run-tool';
import { SOAP, signWithNodeSoap } from './signed-requests';
import { TestCa, type TestIdentity } from './test-certificates';

describe('security/ws-security.pool', () => {
  let pool: WsSecurityPool;
  let client: TestIdentity;
  let server: TestIdentity;
  before(() => {
    const ca = new TestCa();
    client = ca.issue('REP client');
    server = ca.issue('smt server');
    pool = new WsSecurityPool({ threads: 2 });
  });
  after(() => pool.close());

  it('verifies in a worker thread and brings the dates back as Dates', async () => {
    const raw = signWithNodeSoap(client);
    const now = new Date();
    const verified = await pool.verify(raw, { trustedCertificatesPem: [client.certificatePem], now });
    expect(verified.expires).to.be.instanceOf(Date);
    expect(verified).to.deep.equal(verifyWsSecurity(raw, { trustedCertificatesPem: [client.certificatePem], now }));
  });

  it('propagates the SmtError codes of refusals', async () => {
    const raw = signWithNodeSoap(client);
    const now = new Date();
    await expectSmtError(pool.verify(raw.replace('C-42', 'C-43'), { trustedCertificatesPem: [client.certificatePem], now }), 'WSS_SIGNATURE_INVALID');
    await expectSmtError(pool.verify(raw, { trustedCertificatesPem: [server.certificatePem], now }), 'WSS_CERTIFICATE_UNTRUSTED');
    await expectSmtError(pool.verify(`<!DOCTYPE x>${raw}`, { trustedCertificatesPem: [client.certificatePem], now }), 'XML_DTD_FORBIDDEN');
    await expectSmtError(pool.verify(raw, { trustedCertificatesPem: [client.certificatePem], now: new Date(now.getTime() + 3_600_000) }), 'WSS_TIMESTAMP_INVALID');
    await expectSmtError(pool.sign('<x/>', server, now), 'INTERNAL');
  });

  it('signs in a worker thread, and the result verifies', async () => {
    const now = new Date();
    const response = `<soap:Envelope xmlns:soap="${SOAP}"><soap:Body><ok xmlns="urn:x"/></soap:Body></soap:Envelope>`;
    const signed = await pool.sign(response, server, now);
    const verified = await pool.verify(signed, { trustedCertificatesPem: [server.certificatePem], now });
    expect(verified.signatureDigest).to.match(/^[0-9a-f]{64}$/);
  });

  it('measures verify/s and sign/s with 2 threads (printed, not asserted)', async function () {
    this.timeout(120_000);
    const raw = signWithNodeSoap(client);
    const options = { trustedCertificatesPem: [client.certificatePem], now: new Date() };
    const response = `<soap:Envelope xmlns:soap="${SOAP}"><soap:Body><ok xmlns="urn:x"><statusCode>00</statusCode></ok></soap:Body></soap:Envelope>`;
    await Promise.all(Array.from({ length: 50 }, () => pool.verify(raw, options)));
    const rate = async (count: number, call: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      let next = 0;
      const lane = async () => {
        while (next++ < count) await call();
      };
      await Promise.all(Array.from({ length: 16 }, lane));
      return count / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    const verifies = await rate(1000, () => pool.verify(raw, options));
    const signs = await rate(1000, () => pool.sign(response, server, new Date()));
    console.log(`      ${raw.length}-byte request: ${verifies.toFixed(0)} verify/s; ${signs.toFixed(0)} sign/s (2 threads, 16 in flight)`);
    expect(verifies).to.be.greaterThan(0);
  });

  it('keeps the event loop free while a 50,000-ESI-ID request is verified', async function () {
    this.timeout(120_000);
    const body = `<SubmitUsageRequest xmlns="urn:smt:meterusage">${'<esiid>10443720000000001</esiid>'.repeat(50_000)}</SubmitUsageRequest>`;
    const raw = signWithNodeSoap(client, `<soap:Envelope xmlns:soap="${SOAP}"><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`);
    const started = Date.now();
    let worstTick = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      worstTick = Math.max(worstTick, Date.now() - last);
      last = Date.now();
    }, 10);
    try {
      const verified = await pool.verify(raw, { trustedCertificatesPem: [client.certificatePem], now: new Date() });
      expect(verified.signatureDigest).to.match(/^[0-9a-f]{64}$/);
    } finally {
      clearInterval(ticker);
    }
    console.log(`      ${(raw.length / 1e6).toFixed(2)} MB request verified in ${Date.now() - started} ms; longest event-loop gap ${worstTick} ms`);
  });
});
