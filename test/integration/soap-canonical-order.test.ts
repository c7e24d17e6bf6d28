import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { verifyWsSecurity } from '../../src/security/ws-security.verifier';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';
import { MIXED_ATTRIBUTES, MIXED_NAMESPACES, signWithXmlsec } from '../unit/security/signed-requests';

const NS = 'urn:smt-platform:meter-usage:v1';
const MINUTE = 60_000;
const faultCode = (body: string) => /<code>([A-Z_]+)<\/code>/.exec(body)?.[1];
const faultMessage = (body: string) => /<message>([^<]*)<\/message>/.exec(body)?.[1];

/**
 * A REP whose toolkit signs with libxmlsec (xmlsec1), the reference XML-DSig implementation: a
 * request whose Body carries prefixed attributes of several namespaces (p0:a, p1:a, p10:a, whose
 * namespace URIs sort unlike their names) must pass the WS-Security check of the real server.
 */
describe('MeterUsage over mutual TLS: a request signed by xmlsec1 with attributes of several namespaces', function () {
  this.timeout(120_000);
  const harness = SoapHarness.forSuite('smt-soap-c14n-');
  let rep: ClientFiles;

  before(() => (rep = harness.repFiles));

  const body = (correlationId: string) =>
    `<GetUsageRequestStatus xmlns="${NS}"${MIXED_NAMESPACES}${MIXED_ATTRIBUTES}><trans_id>T-C14N</trans_id><requestorID>demo-rep</requestorID>` +
    `<correlationId>${correlationId}</correlationId></GetUsageRequestStatus>`;
  const signedByXmlsec = (correlationId: string) =>
    signWithXmlsec(rep, { created: new Date(), expires: new Date(Date.now() + 5 * MINUTE), body: body(correlationId) });

  it('is verified and reaches the service, which answers it (signed)', async () => {
    const answer = await harness.post(await signedByXmlsec('00000000-0000-0000-0000-00000000c14e'), rep);
    // The service's own answer: no such report request; the signature was accepted.
    expect(faultCode(answer.body), faultMessage(answer.body)).to.equal('NOT_FOUND');
    expect(answer.body).to.contain('00000000-0000-0000-0000-00000000c14e');
    verifyWsSecurity(answer.body, { trustedCertificatesPem: [fs.readFileSync(path.join(harness.dataDir, 'pki', 'server.crt'), 'utf8')], now: new Date() });
  });

  it('is still refused once one of those attributes is changed in transit', async () => {
    const raw = await signedByXmlsec('00000000-0000-0000-0000-00000000c14f');
    const answer = await harness.post(raw.replace('p1:a="one"', 'p1:a="two"'), rep);
    expect(faultCode(answer.body), faultMessage(answer.body)).to.equal('WSS_SIGNATURE_INVALID');
  });
});
