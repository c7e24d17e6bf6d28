import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { SmtError, type ErrorCode } from '../../../src/core/errors';
import { verifyWsSecurity, type VerifyOptions } from '../../../src/security/ws-security.verifier';
import { SAMPLE_BODY, SOAP, WSU, envelope, signWithNodeSoap, signWithXmlsec } from './signed-requests';
import { TestCa, type TestIdentity } from './test-certificates';

const MINUTE = 60_000;

describe('security/ws-security.verifier', () => {
  let client: TestIdentity;
  let other: TestIdentity;
  let options: VerifyOptions;

  before(() => {
    const ca = new TestCa();
    [client, other] = [ca.issue('REP client'), ca.issue('Someone else')];
  });
  beforeEach(() => {
    options = { trustedCertificatesPem: [client.certificatePem], now: new Date(), maxSkewSeconds: 300, maxAgeSeconds: 300, allowSha1: false };
  });

  function refused(raw: string, code: ErrorCode, message?: RegExp, overrides: Partial<VerifyOptions> = {}): void {
    let caught: unknown = null;
    try {
      verifyWsSecurity(raw, { ...options, ...overrides });
    } catch (error) {
      caught = error;
    }
    expect(caught, 'expected a refusal').to.be.instanceOf(SmtError);
    expect((caught as SmtError).code, (caught as SmtError).message).to.equal(code);
    if (message) expect((caught as SmtError).message).to.match(message);
  }

  const xmlsecRequest = (identity: TestIdentity, createdOffset = 0, lifetime = 5 * MINUTE, covers?: Array<'body' | 'timestamp'>) =>
    signWithXmlsec(identity, { created: new Date(Date.now() + createdOffset), expires: new Date(Date.now() + createdOffset + lifetime), covers });

  describe('valid requests', () => {
    it('accepts a request signed by node-soap WSSecurityCert and describes it', () => {
      const raw = signWithNodeSoap(client);
      const verified = verifyWsSecurity(raw, options);
      expect(verified.signatureDigest).to.match(/^[0-9a-f]{64}$/);
      expect(verified.signingCertificateFingerprint256).to.equal(new X509Certificate(client.certificatePem).fingerprint256);
      const expires = Date.parse(/<Expires>([^<]+)<\/Expires>/.exec(raw)![1]);
      expect(verified.expires.getTime()).to.equal(expires + 300_000);
      expect(verifyWsSecurity(raw, options).signatureDigest).to.equal(verified.signatureDigest);
    });

    it('accepts a request signed by xmlsec1, and one of several registered certificates', async () => {
      const raw = await xmlsecRequest(client);
      verifyWsSecurity(raw, options);
      verifyWsSecurity(raw, { ...options, trustedCertificatesPem: [other.certificatePem, client.certificatePem] });
    });

    it('tolerates a client clock ahead by less than the skew', async () => {
      verifyWsSecurity(await xmlsecRequest(client, 2 * MINUTE), options);
    });

    describe('a Body whose prefixes are declared on the Envelope', () => {
      const declarations = ` xmlns:m="urn:smt:meterusage" xmlns:q="urn:q"`;
      const body =
        '<m:GetUsageRequestStatus><m:trans_id>T-1</m:trans_id><m:requestorID>REP1</m:requestorID>' +
        '<m:correlationId xmlns:a="urn:a" a:note="x">C-42</m:correlationId></m:GetUsageRequestStatus>';
      const xmlsecPrefixed = (prefixList?: string) =>
        signWithXmlsec(client, { created: new Date(), expires: new Date(Date.now() + 5 * MINUTE), envelopeNamespaces: declarations, body, prefixList });

      it('accepts it signed by node-soap', () => {
        const raw = signWithNodeSoap(client, `<soap:Envelope xmlns:soap="${SOAP}"${declarations}><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`);
        expect(verifyWsSecurity(raw, options).operation).to.deep.equal({ namespace: 'urn:smt:meterusage', name: 'GetUsageRequestStatus' });
      });

      it('accepts it signed by xmlsec1, with and without an InclusiveNamespaces PrefixList', async () => {
        verifyWsSecurity(await xmlsecPrefixed(), options);
        verifyWsSecurity(await xmlsecPrefixed('m q wsse soap'), options);
      });

      it('refuses a change to an Envelope declaration that the PrefixList brings into the signed Body', async () => {
        const raw = await xmlsecPrefixed('m q wsse soap');
        refused(raw.replace('xmlns:q="urn:q"', 'xmlns:q="urn:q2"'), 'WSS_SIGNATURE_INVALID', /digest/);
        verifyWsSecurity((await xmlsecPrefixed()).replace('xmlns:q="urn:q"', 'xmlns:q="urn:q2"'), options);
      });
    });
  });

  describe('missing or broken signatures', () => {
    it('refuses a request without a Security header', () => refused(envelope(), 'WSS_MISSING'));

    it('refuses an unsigned request that has a Security header and Timestamp', () => {
      const now = new Date();
      const security =
        `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="${WSU}">` +
        `<wsu:Timestamp wsu:Id="t"><wsu:Created>${now.toISOString()}</wsu:Created><wsu:Expires>${new Date(now.getTime() + MINUTE).toISOString()}</wsu:Expires></wsu:Timestamp></wsse:Security>`;
      refused(envelope(SAMPLE_BODY, security), 'WSS_SIGNATURE_INVALID', /not signed/);
    });

    it('refuses a body changed by one character after signing', () => {
      refused(signWithNodeSoap(client).replace('C-42', 'C-43'), 'WSS_SIGNATURE_INVALID', /digest/);
    });

    it('refuses a changed Timestamp and a changed SignatureValue', () => {
      const raw = signWithNodeSoap(client);
      refused(raw.replace(/<Expires>(\d{4})/, '<Expires>$1'.replace('$1', '2099')), 'WSS_TIMESTAMP_INVALID');
      const created = /<Created>([^<]+)</.exec(raw)![1];
      const later = new Date(Date.parse(created) + 1000).toISOString().slice(0, 19) + 'Z';
      refused(raw.replace(`<Created>${created}`, `<Created>${later}`), 'WSS_SIGNATURE_INVALID', /digest/);
      refused(raw.replace(/<SignatureValue>(.)/, (_m, c: string) => `<SignatureValue>${c === 'A' ? 'B' : 'A'}`), 'WSS_SIGNATURE_INVALID');
    });

    it('refuses a changed SignedInfo whose references still match', async () => {
      const reorder = (raw: string) =>
        raw.replace(/(<(?:ds:)?Reference [^]*?<\/(?:ds:)?Reference>)(<(?:ds:)?Reference [^]*?<\/(?:ds:)?Reference>)/, '$2$1');
      for (const raw of [signWithNodeSoap(client), await xmlsecRequest(client)]) {
        expect(reorder(raw)).to.not.equal(raw);
        refused(reorder(raw), 'WSS_SIGNATURE_INVALID', /SignatureValue does not match SignedInfo/);
        refused(raw.replace(/(<(?:ds:)?SignedInfo>)/, '$1 '), 'WSS_SIGNATURE_INVALID', /SignatureValue does not match SignedInfo/);
      }
    });

    it('refuses a signature that covers the Timestamp but not the Body', async () => {
      refused(await xmlsecRequest(client, 0, 5 * MINUTE, ['timestamp']), 'WSS_SIGNATURE_INVALID', /soap:Body/);
      refused(await xmlsecRequest(client, 0, 5 * MINUTE, ['body']), 'WSS_SIGNATURE_INVALID', /Timestamp/);
    });

    it('refuses a second signature and a comment slipped into the SignatureValue', () => {
      const raw = signWithNodeSoap(client);
      const signature = /<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">.*<\/Signature>/.exec(raw)![0];
      refused(raw.replace('</soap:Header>', `<x:Extra xmlns:x="urn:x">${signature.replace(/ URI="#_\d"/g, '')}</x:Extra></soap:Header>`), 'WSS_SIGNATURE_INVALID');
      refused(raw.replace('</SignatureValue>', '<!--x-->AAAA</SignatureValue>'), 'WSS_SIGNATURE_INVALID', /text only/);
    });
  });

  describe('signature wrapping', () => {
    it('refuses the signed Body moved into a header wrapper with a forged Body in its place', () => {
      const raw = signWithNodeSoap(client);
      const signedBody = /<soap:Body[^>]*>.*<\/soap:Body>/.exec(raw)![0];
      const forged = raw
        .replace(signedBody, `<soap:Body>${SAMPLE_BODY.replace('C-42', 'C-666')}</soap:Body>`)
        .replace('</soap:Header>', `<w:Wrapper xmlns:w="urn:evil">${signedBody}</w:Wrapper></soap:Header>`);
      refused(forged, 'XML_MALFORMED', /nested/);
    });

    it('refuses the signed Timestamp moved into a wrapper with a fresh unsigned one in its place', () => {
      const raw = signWithNodeSoap(client);
      const signedTimestamp = /<Timestamp .*<\/Timestamp>/.exec(raw)![0];
      const now = new Date();
      const fresh = `<Timestamp xmlns="${WSU}"><Created>${now.toISOString()}</Created><Expires>${new Date(now.getTime() + MINUTE).toISOString()}</Expires></Timestamp>`;
      const forged = raw.replace(signedTimestamp, `${fresh}<w:Wrapper xmlns:w="urn:evil">${signedTimestamp}</w:Wrapper>`);
      refused(forged, 'WSS_SIGNATURE_INVALID', /Timestamp/);
    });

    it('refuses duplicate ids, whatever element carries the copy', () => {
      const raw = signWithNodeSoap(client);
      const bodyId = /<soap:Body [^>]*wsu:Id="([^"]+)"/.exec(raw)![1];
      refused(raw.replace('</soap:Header>', `<x:Copy xmlns:x="urn:x" xmlns:wsu="${WSU}" wsu:Id="${bodyId}"/></soap:Header>`), 'WSS_SIGNATURE_INVALID', /more than once/);
      // An Id outside wsu: (and outside XML-DSig's own elements) is refused before the signature is looked at.
      refused(raw.replace('</soap:Header>', `<x:Copy xmlns:x="urn:x" x:Id="${bodyId}"/></soap:Header>`), 'SOAP_ENCODING_FORBIDDEN', /other than wsu:Id/);
    });

    it('refuses a Body that is signed through an id attribute other than wsu:Id', () => {
      const raw = signWithNodeSoap(client).replace(/(<soap:Body [^>]*)wsu:Id=/, '$1xmlns:o="urn:other" o:Id=');
      refused(raw, 'SOAP_ENCODING_FORBIDDEN', /other than wsu:Id/);
    });
  });

  describe('certificates', () => {
    it('refuses a valid signature by a certificate not registered for the entity', () => {
      refused(signWithNodeSoap(other), 'WSS_CERTIFICATE_UNTRUSTED', /not registered/);
      refused(signWithNodeSoap(client), 'WSS_CERTIFICATE_UNTRUSTED', undefined, { trustedCertificatesPem: [] });
    });

    it('verifies with the registered certificate, never a key the message brings', () => {
      // Signed with another key, but the token shows the registered certificate.
      const token = (identity: TestIdentity) => identity.certificatePem.replace(/-----[^-]+-----|\s/g, '');
      refused(signWithNodeSoap(other).replace(token(other), token(client)), 'WSS_SIGNATURE_INVALID', /SignatureValue/);
    });

    it('refuses KeyInfo that carries a certificate instead of a reference to the token', () => {
      const raw = signWithNodeSoap(client);
      const keyInfo = /<KeyInfo>.*<\/KeyInfo>/.exec(raw)![0];
      const x509 = `<KeyInfo><X509Data><X509Certificate>${other.certificatePem.replace(/-----[^-]+-----|\s/g, '')}</X509Certificate></X509Data></KeyInfo>`;
      refused(raw.replace(keyInfo, x509), 'WSS_SIGNATURE_INVALID', /SecurityTokenReference/);
    });

    it('refuses a registered certificate outside its validity period', async () => {
      const expired = new TestCa('Old CA').issue('expired', { from: new Date(Date.now() - 10 * 86_400_000), to: new Date(Date.now() - 86_400_000) });
      refused(await xmlsecRequest(expired), 'WSS_CERTIFICATE_UNTRUSTED', /validity/, { trustedCertificatesPem: [expired.certificatePem] });
    });
  });

  describe('timestamps', () => {
    it('refuses a stale, an expired and a future Timestamp', async () => {
      refused(await xmlsecRequest(client, -20 * MINUTE), 'WSS_TIMESTAMP_INVALID', /expired/);
      refused(await xmlsecRequest(client, -11 * MINUTE, 10 * MINUTE), 'WSS_TIMESTAMP_INVALID', /too old/);
      refused(await xmlsecRequest(client, 10 * MINUTE), 'WSS_TIMESTAMP_INVALID', /future/);
      const raw = signWithNodeSoap(client);
      refused(raw, 'WSS_TIMESTAMP_INVALID', /expired/, { now: new Date(Date.now() + 20 * MINUTE) });
      refused(raw, 'WSS_TIMESTAMP_INVALID', /future/, { now: new Date(Date.now() - 10 * MINUTE) });
    });

    it('refuses a Timestamp window longer than allowed', async () => {
      refused(await xmlsecRequest(client, 0, 60 * MINUTE), 'WSS_TIMESTAMP_INVALID', /lifetime/);
      refused(signWithNodeSoap(client), 'WSS_TIMESTAMP_INVALID', /lifetime/, { maxAgeSeconds: 60 });
    });
  });

  describe('algorithms', () => {
    it('refuses rsa-sha1 and sha1 unless allowed for legacy clients', () => {
      const raw = signWithNodeSoap(client, envelope(), true);
      refused(raw, 'WSS_ALGORITHM_REFUSED', /rsa-sha1/);
      verifyWsSecurity(raw, { ...options, allowSha1: true });
    });

    it('refuses transforms other than exc-c14n and enveloped-signature', () => {
      const raw = signWithNodeSoap(client).replace('<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>', '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>');
      refused(raw, 'WSS_ALGORITHM_REFUSED', /transform/);
    });

    it('refuses a canonicalization before the last transform', () => {
      const raw = signWithNodeSoap(client).replace(
        '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>',
        '<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>',
      );
      refused(raw, 'WSS_ALGORITHM_REFUSED', /transforms must be exc-c14n/);
    });
  });

  describe('XML hardening before verification', () => {
    it('refuses DOCTYPE and entity declarations in a signed request', () => {
      refused(`<!DOCTYPE x [<!ENTITY a "admin">]>${signWithNodeSoap(client)}`, 'XML_DTD_FORBIDDEN');
    });
    it('refuses malformed XML, two Bodies and the wrong namespace', () => {
      const raw = signWithNodeSoap(client);
      refused(raw.slice(0, -5), 'XML_MALFORMED', /unterminated/);
      refused(raw.replace('</soap:Body>', '</soap:Bodx>'), 'XML_MALFORMED');
      refused(raw.replace('</soap:Envelope>', '<soap:Body/></soap:Envelope>'), 'XML_MALFORMED', /one Body; found Body in namespace/);
      refused(raw.split(SOAP).join('http://www.w3.org/2003/05/soap-envelope'), 'XML_MALFORMED', /SOAP 1\.1/);
    });
    it('refuses too deep and too large requests', () => {
      refused(signWithNodeSoap(client, envelope('<a>'.repeat(50) + '</a>'.repeat(50))), 'XML_TOO_DEEP');
      refused(signWithNodeSoap(client), 'BODY_TOO_LARGE', undefined, { envelopeLimits: { maxBytes: 1000, maxDepth: 32 } });
    });
  });
});
