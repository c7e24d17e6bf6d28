import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import { signSoapEnvelope } from '../../../src/security/ws-security.signer';
import { verifyWsSecurity } from '../../../src/security/ws-security.verifier';
import { SOAP, verifyWithXmlsec } from './signed-requests';
import { TestCa, type TestIdentity } from './test-certificates';

const RESPONSE_BODY = '<GetUsageRequestStatusResponse xmlns="urn:smt:meterusage"><statusCode>00</statusCode></GetUsageRequestStatusResponse>';

/** A response as node-soap writes it when the request carried a Timestamp (see its server `_envelope`). */
function nodeSoapResponse(): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP}" xmlns:tns="urn:smt:meterusage"><soap:Header>` +
    '<o:Security soap:mustUnderstand="1" xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
    'xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">    <u:Timestamp u:Id="_0">' +
    '      <u:Created>2026-11-27T01:00:00Z</u:Created>      <u:Expires>2026-11-27T01:10:00Z</u:Expires>    </u:Timestamp>  </o:Security>\n' +
    `</soap:Header><soap:Body>${RESPONSE_BODY}</soap:Body></soap:Envelope>`
  );
}

describe('security/ws-security.signer', () => {
  let server: TestIdentity;
  before(() => {
    server = new TestCa().issue('smt server');
  });
  const verify = (xml: string, now = new Date()) => verifyWsSecurity(xml, { trustedCertificatesPem: [server.certificatePem], now });

  it('replaces node-soap\'s unsigned Security header with a signed one that our verifier accepts', () => {
    const now = new Date();
    const signed = signSoapEnvelope(nodeSoapResponse(), server, now);
    expect(signed.match(/Security[ >]/g)).to.have.length(2);
    expect(signed).not.to.contain('Id="_0"');
    expect(signed).to.match(/<wsse:Security [^>]*soap:mustUnderstand="1"/);
    const ids = [...signed.matchAll(/wsu:Id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).to.have.length(3);
    for (const id of ids) expect(id).to.match(/^id-[0-9a-f-]{36}$/);
    expect(new Set(ids).size).to.equal(3);
    const verified = verify(signed, now);
    expect(verified.expires.getTime()).to.equal(Math.floor(now.getTime() / 1000) * 1000 + 600_000);
  });

  it('produces signatures xmlsec1 verifies (interoperability)', async () => {
    await verifyWithXmlsec(signSoapEnvelope(nodeSoapResponse(), server, new Date()), server.certificatePem);
    const bare = `<env:Envelope xmlns:env="${SOAP}"><env:Body>${RESPONSE_BODY}</env:Body></env:Envelope>`;
    await verifyWithXmlsec(signSoapEnvelope(bare, server, new Date()), server.certificatePem);
  });

  it('xmlsec1 refuses a signed response changed afterwards', async () => {
    const tampered = signSoapEnvelope(nodeSoapResponse(), server, new Date()).replace('<statusCode>00', '<statusCode>01');
    const failure = await verifyWithXmlsec(tampered, server.certificatePem).then(() => null, (error: Error) => error);
    expect(failure, 'xmlsec1 should fail').to.be.instanceOf(Error);
    // A digest mismatch, not a tool that failed to run.
    expect(failure!.message).to.contain('data and digest do not match');
  });

  it('adds a Header when there is none, and handles a default-namespace Envelope', () => {
    const noHeader = `<soap:Envelope xmlns:soap="${SOAP}"><soap:Body>${RESPONSE_BODY}</soap:Body></soap:Envelope>`;
    verify(signSoapEnvelope(noHeader, server, new Date()));
    const unprefixed = `<Envelope xmlns="${SOAP}"><Body>${RESPONSE_BODY}</Body></Envelope>`;
    verify(signSoapEnvelope(unprefixed, server, new Date()));
  });

  it('replaces an id already on the Body', () => {
    const withId = `<soap:Envelope xmlns:soap="${SOAP}" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><soap:Body wsu:Id="_0">${RESPONSE_BODY}</soap:Body></soap:Envelope>`;
    const signed = signSoapEnvelope(withId, server, new Date());
    expect(signed).not.to.contain('"_0"');
    verify(signed);
  });

  it('honours the time to live and refuses to sign what is not a SOAP 1.1 envelope', () => {
    const now = new Date();
    const signed = signSoapEnvelope(nodeSoapResponse(), server, now, 60);
    const expires = /<wsu:Expires>([^<]+)</.exec(signed)![1];
    expect(Date.parse(expires) - Math.floor(now.getTime() / 1000) * 1000).to.equal(60_000);
    expect(() => signSoapEnvelope('<x/>', server, now)).to.throw(SmtError, /SOAP 1.1/);
    expect(() => signSoapEnvelope('<x', server, now)).to.throw(SmtError, /malformed/);
  });
});
