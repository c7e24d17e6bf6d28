import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { SmtError } from '../../../src/core/errors';
import { ExclusiveC14n, compareCodePoints } from '../../../src/security/ws-security.c14n';
import { signSoapEnvelope } from '../../../src/security/ws-security.signer';
import { verifyWsSecurity, type VerifyOptions } from '../../../src/security/ws-security.verifier';
import { parseXml } from '../../../src/security/ws-security.xml';
import { runTool } from '../../support/run-tool';
import { MIXED_ATTRIBUTES, MIXED_NAMESPACES, SOAP, signWithXmlsec, verifyWithXmlsec } from './signed-requests';
import { TestCa, type TestIdentity } from './test-certificates';

const BODY =
  `<GetUsageRequestStatus xmlns="urn:smt:meterusage"${MIXED_NAMESPACES}${MIXED_ATTRIBUTES}>` +
  '<trans_id>T-1</trans_id><requestorID>REP1</requestorID><correlationId>C-42</correlationId></GetUsageRequestStatus>';
const MINUTE = 60_000;

/** libxml2's exclusive canonicalization of a whole document (xmllint --exc-c14n), the one xmlsec1 signs with. */
async function xmllintExcC14n(xml: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'smt-c14n-'));
  try {
    await writeFile(path.join(dir, 'in.xml'), xml);
    return (await runTool('xmllint', ['--exc-c14n', path.join(dir, 'in.xml')])).toString('utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('security/ws-security.c14n (exclusive canonicalization order)', () => {
  let client: TestIdentity;
  let options: VerifyOptions;
  before(() => {
    client = new TestCa().issue('REP client');
  });
  beforeEach(() => {
    options = { trustedCertificatesPem: [client.certificatePem], now: new Date(), maxSkewSeconds: 300, maxAgeSeconds: 300, allowSha1: false };
  });

  it('orders attributes by namespace URI then local name, and declarations by prefix, as libxml2 does', async () => {
    const documents = [
      BODY,
      `<r xmlns:p0="urn:x-" xmlns:p1="urn:x" xmlns:p10="urn:x-y" p0:a="0" p1:a="1" p10:a="10"><c xmlns:q="urn:q" q:b="b" b="plain" p1:b="1"/></r>`,
      // Local names after one namespace URI, non-ASCII ones by code point; unqualified attributes first.
      `<r xmlns:n="urn:n" xmlns:m="urn:m" n:b="1" n:a="2" n:\u00e9="3" n:\uFFFD="4" n:\uF900="5" m:a="6" Z="7" _="8" \u00e9="9"/>`,
    ];
    for (const xml of documents) {
      const ours = new ExclusiveC14n().process(parseXml(xml).documentElement, {});
      expect(ours, xml).to.equal(await xmllintExcC14n(xml));
    }
    // What xml-crypto alone produces differs: the reason this class exists.
    const theirs = new ExclusiveCanonicalization().process(parseXml(BODY).documentElement, {});
    expect(theirs).to.not.equal(await xmllintExcC14n(BODY));
  });

  it('accepts a request signed by xmlsec1 whose Body carries prefixed attributes of several namespaces', async () => {
    const raw = await signWithXmlsec(client, { created: new Date(), expires: new Date(Date.now() + 5 * MINUTE), body: BODY });
    expect(raw).to.contain('p10:a="ten"');
    expect(verifyWsSecurity(raw, options).operation).to.deep.equal({ namespace: 'urn:smt:meterusage', name: 'GetUsageRequestStatus' });
  });

  it('still refuses such a request once an attribute is changed, or two attributes swap values', async () => {
    const raw = await signWithXmlsec(client, { created: new Date(), expires: new Date(Date.now() + 5 * MINUTE), body: BODY });
    for (const tampered of [raw.replace('p1:a="one"', 'p1:a="uno"'), raw.replace('p0:a="zero"', 'p0:a="one"').replace('p1:a="one"', 'p1:a="zero"')]) {
      expect(tampered).to.not.equal(raw);
      let caught: unknown = null;
      try {
        verifyWsSecurity(tampered, options);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(SmtError);
      expect((caught as SmtError).code).to.equal('WSS_SIGNATURE_INVALID');
      expect((caught as SmtError).message).to.match(/digest/);
    }
  });

  it('signs in the same order: xmlsec1 verifies a signed answer whose Body carries such attributes', async () => {
    const answer = `<soap:Envelope xmlns:soap="${SOAP}"><soap:Body>${BODY}</soap:Body></soap:Envelope>`;
    const signed = signSoapEnvelope(answer, client, new Date());
    await verifyWithXmlsec(signed, client.certificatePem);
    verifyWsSecurity(signed, options);
  });

  it('compares strings by code point', () => {
    expect(compareCodePoints('urn:x', 'urn:x-')).to.equal(-1);
    expect(compareCodePoints('B', 'a')).to.equal(-1);
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).to.equal(1);
    expect(compareCodePoints('\uD7FF', '\uE000')).to.equal(-1);
    expect(compareCodePoints('same', 'same')).to.equal(0);
    expect(compareCodePoints('', 'a')).to.equal(-1);
  });
});
