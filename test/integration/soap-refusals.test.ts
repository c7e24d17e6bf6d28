import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import * as soap from 'soap';
import { createCertificateAuthority, issueCertificate } from '../../src/security/pki';
import { SoapHarness, RSA_SHA256, SHA256, type ClientFiles } from '../support/soap-harness';

const NS = 'urn:smt-platform:meter-usage:v1';
const STATUS_BODY = `<GetUsageRequestStatus xmlns="${NS}"><trans_id>T-9</trans_id><requestorID>demo-rep</requestorID><correlationId>00000000-0000-0000-0000-000000000000</correlationId></GetUsageRequestStatus>`;
const envelope = (body: string, header = '') =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

/** Signs an envelope the way node-soap's client does (Timestamp, BinarySecurityToken, RSA-SHA256 over Body and Timestamp). */
function signed(files: ClientFiles, xml = envelope(STATUS_BODY)): string {
  const security = new soap.WSSecurityCert(files.privateKeyPem, files.certificatePem, '', {
    hasTimeStamp: true, signatureAlgorithm: RSA_SHA256, digestAlgorithm: SHA256, signerOptions: { idMode: 'wssecurity' },
  } as never);
  return security.postProcess(xml, 'soap');
}

const faultCode = (body: string) => /<code>([A-Z_]+)<\/code>/.exec(body)?.[1];

describe('MeterUsage refusals', function () {
  this.timeout(120_000);
  const harness = SoapHarness.forSuite('smt-soap-refusals-', { SMT_SOAP_MAX_BODY_MB: '1' });
  let rep: ClientFiles;

  before(() => (rep = harness.repFiles));

  it('accepts a properly signed request (the baseline the refusals below depart from)', async () => {
    const r = await harness.post(signed(rep), rep);
    expect(faultCode(r.body)).to.equal('NOT_FOUND');
  });

  it('closes the TLS handshake on a client without a certificate or with one from another CA', async () => {
    await expectTlsFailure(harness.post(signed(rep), null));
    const otherCa = await createCertificateAuthority('another CA', 1);
    const stranger = await issueCertificate(otherCa, { commonName: 'stranger', kind: 'client', days: 30 });
    await expectTlsFailure(harness.post(signed(rep), { certificatePem: stranger.certPem, privateKeyPem: stranger.keyPem }));
  });

  it('closes the TLS handshake on an expired certificate', async () => {
    const ca = { certPem: fs.readFileSync(path.join(harness.dataDir, 'pki', 'ca.crt'), 'utf8'), keyPem: fs.readFileSync(path.join(harness.dataDir, 'pki', 'ca.key'), 'utf8') };
    const old = await issueCertificate(ca, { commonName: 'old', kind: 'client', days: 1, notBefore: new Date(Date.now() - 10 * 86_400_000) });
    await expectTlsFailure(harness.post(signed(rep), { certificatePem: old.certPem, privateKeyPem: old.keyPem }));
  });

  it('refuses a CA-issued certificate that no entity registered', async () => {
    const ca = { certPem: fs.readFileSync(path.join(harness.dataDir, 'pki', 'ca.crt'), 'utf8'), keyPem: fs.readFileSync(path.join(harness.dataDir, 'pki', 'ca.key'), 'utf8') };
    const unregistered = await issueCertificate(ca, { commonName: 'nobody', kind: 'client', days: 30 });
    const files = { certificatePem: unregistered.certPem, privateKeyPem: unregistered.keyPem };
    const r = await harness.post(signed(files), files);
    expect(r.status).to.equal(500);
    expect(faultCode(r.body)).to.equal('AUTH_CERTIFICATE_UNKNOWN');
  });

  for (const [name, make, code] of [
    ['unsigned', () => envelope(STATUS_BODY), 'WSS_MISSING'],
    ['tampered after signing', () => signed(rep).replace('T-9', 'T-8'), 'WSS_SIGNATURE_INVALID'],
    ['signed by a certificate the entity did not register', () => signed(harness.files(harness.tdsp)), 'WSS_CERTIFICATE_UNTRUSTED'],
    ['a DTD', () => `<!DOCTYPE x [<!ENTITY a "b">]>${signed(rep)}`, 'XML_DTD_FORBIDDEN'],
    ['malformed XML', () => signed(rep).replace('</soap:Body>', ''), 'XML_MALFORMED'],
    ['an operation the service does not have', () => signed(rep, envelope(`<DropTables xmlns="${NS}"/>`)), 'SOAP_OPERATION_UNKNOWN'],
  ] as [string, () => string, string][]) {
    it(`refuses a request that is ${name} (${code})`, async () => {
      const r = await harness.post(make(), rep);
      expect(r.status).to.equal(500);
      expect(faultCode(r.body), r.body).to.equal(code);
    });
  }

  it('refuses a stale timestamp', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now() - 3_600_000, toFake: ['Date'] });
    let stale: string;
    try {
      stale = signed(rep);
    } finally {
      clock.restore();
    }
    const r = await harness.post(stale, rep);
    expect(faultCode(r.body)).to.equal('WSS_TIMESTAMP_INVALID');
  });

  it('refuses a replay of a message already received', async () => {
    const message = signed(rep);
    expect(faultCode((await harness.post(message, rep)).body)).to.equal('NOT_FOUND');
    expect(faultCode((await harness.post(message, rep)).body)).to.equal('WSS_REPLAY');
  });

  it('refuses bytes that are not UTF-8 as sent, before anything decodes them', async () => {
    const bytes = Buffer.from(signed(rep), 'utf8');
    bytes[bytes.indexOf('T-9') + 2] = 0xff;
    const r = await harness.post(bytes, rep);
    expect(faultCode(r.body)).to.equal('XML_MALFORMED');
    expect(r.body).to.contain('the body is not valid UTF-8');
  });

  it('refuses an oversized body early, as a SOAP fault', async () => {
    const r = await harness.post(signed(rep, envelope(`<GetUsageRequestStatus xmlns="${NS}"><trans_id>${'x'.repeat(1_200_000)}</trans_id></GetUsageRequestStatus>`)), rep);
    expect(r.status).to.equal(500);
    expect(faultCode(r.body)).to.equal('BODY_TOO_LARGE');
  });

  it('accepts a separately registered signing certificate, and then only that one signs', async () => {
    const ca = { certPem: fs.readFileSync(path.join(harness.dataDir, 'pki', 'ca.crt'), 'utf8'), keyPem: fs.readFileSync(path.join(harness.dataDir, 'pki', 'ca.key'), 'utf8') };
    const signer = await issueCertificate(ca, { commonName: 'demo-rep-signing', kind: 'client', days: 30 });
    const signing = { certificatePem: signer.certPem, privateKeyPem: signer.keyPem };
    await (await harness.app.credentials()).registerCertificate('Demo REP', signer.certPem, 'signing');
    expect(faultCode((await harness.post(signed(signing), rep)).body)).to.equal('NOT_FOUND');
    expect(faultCode((await harness.post(signed(rep), rep)).body)).to.equal('WSS_CERTIFICATE_UNTRUSTED');
  });

  it('refuses calls from an address the entity did not register, and a revoked certificate', async () => {
    const credentials = await harness.app.credentials();
    await credentials.setIps('Demo REP', ['192.0.2.10']);
    expect(faultCode((await harness.post(signed(rep), rep)).body)).to.equal('AUTH_IP_NOT_REGISTERED');
    await credentials.setIps('Demo REP', ['127.0.0.1']);
    await credentials.revoke(rep.certificatePem, 'test');
    expect(faultCode((await harness.post(signed(rep), rep)).body)).to.equal('AUTH_CERTIFICATE_REVOKED');
  });
});

async function expectTlsFailure(request: Promise<unknown>): Promise<void> {
  const outcome = await request.then(() => 'answered', (error: NodeJS.ErrnoException) => error.code ?? error.message);
  expect(outcome).to.not.equal('answered');
}
