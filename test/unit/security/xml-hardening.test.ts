import { expect } from 'chai';
import { SmtError, type ErrorCode } from '../../../src/core/errors';
import { checkSoapEnvelope } from '../../../src/security/xml-hardening';
import { SAMPLE_BODY, SOAP, envelope } from './signed-requests';

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 32 };

function refusal(xml: string | Buffer, limits = LIMITS): SmtError {
  try {
    checkSoapEnvelope(typeof xml === 'string' ? Buffer.from(xml) : xml, limits);
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    return error as SmtError;
  }
  throw new Error('expected a refusal');
}

function expectRefused(xml: string | Buffer, code: ErrorCode, message?: RegExp, limits = LIMITS): void {
  const error = refusal(xml, limits);
  expect(error.code, error.message).to.equal(code);
  if (message) expect(error.message).to.match(message);
}

describe('security/xml-hardening', () => {
  it('accepts a plain SOAP 1.1 envelope, with or without declaration, BOM and Header', () => {
    checkSoapEnvelope(Buffer.from(envelope()), LIMITS);
    checkSoapEnvelope(Buffer.from(`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n${envelope()}`), LIMITS);
    checkSoapEnvelope(Buffer.from(`<e:Envelope xmlns:e="${SOAP}"><e:Body><!-- note --><x>&lt;&amp;</x><![CDATA[<y>]]></e:Body></e:Envelope>`), LIMITS);
  });

  it('refuses a body over the size limit before looking at it', () => {
    expectRefused(envelope(), 'BODY_TOO_LARGE', /is \d+ bytes; the limit is 100/, { maxBytes: 100, maxDepth: 32 });
  });

  describe('DTDs and entities', () => {
    const dtd = '<!DOCTYPE soap:Envelope [<!ENTITY a "admin">]>';
    it('refuses a DOCTYPE, in any case, after a BOM or whitespace', () => {
      expectRefused(dtd + envelope(), 'XML_DTD_FORBIDDEN');
      expectRefused(`\uFEFF  \n<!doctype x>${envelope()}`, 'XML_DTD_FORBIDDEN');
      expectRefused(`<?xml version="1.0"?>\n<!DocType x SYSTEM "file:///etc/passwd">${envelope()}`, 'XML_DTD_FORBIDDEN');
    });
    it('refuses an ENTITY declaration anywhere and an undeclared entity reference', () => {
      expectRefused(envelope(`<x><!ENTITY lol "lol"></x>`), 'XML_DTD_FORBIDDEN');
      expectRefused(envelope('<x>&xxe;</x>'), 'XML_MALFORMED');
      expectRefused(envelope('<x>&nbsp;</x>'), 'XML_MALFORMED');
    });
  });

  describe('malformed XML', () => {
    const cases: Record<string, string> = {
      'an unclosed element': `<soap:Envelope xmlns:soap="${SOAP}"><soap:Body><x></soap:Body></soap:Envelope>`,
      'a truncated document': envelope().slice(0, -20),
      'two root elements': `${envelope()}<other/>`,
      'text after the root': `${envelope()}trailing`,
      'a repeated attribute': envelope('<x a="1" a="2"/>'),
      'a repeated attribute under two prefixes': envelope('<x xmlns:p="urn:p" xmlns:q="urn:p" p:a="1" q:a="2"/>'),
      'an unbound prefix': envelope('<p:x/>'),
      'a processing instruction': envelope('<?php echo 1 ?><x/>'),
      'a non-UTF-8 declared encoding': `<?xml version="1.0" encoding="ISO-8859-1"?>${envelope()}`,
      'text directly in the Envelope': `<soap:Envelope xmlns:soap="${SOAP}">hello<soap:Body/></soap:Envelope>`,
    };
    for (const [name, xml] of Object.entries(cases)) {
      it(`refuses ${name}`, () => expectRefused(xml, 'XML_MALFORMED'));
    }
    it('refuses bytes that are not UTF-8', () => {
      expectRefused(Buffer.concat([Buffer.from(envelope().slice(0, 60)), Buffer.from([0xc3, 0x28]), Buffer.from(envelope().slice(60))]), 'XML_MALFORMED', /UTF-8/);
      expectRefused(Buffer.from(`\uFEFF${envelope()}`, 'utf16le'), 'XML_MALFORMED', /UTF-8/);
    });
  });

  describe('SOAP structure', () => {
    it('refuses two Bodies', () => {
      expectRefused(`<soap:Envelope xmlns:soap="${SOAP}"><soap:Body/><soap:Body/></soap:Envelope>`, 'XML_MALFORMED', /one Header followed by one Body/);
    });
    it('refuses two Headers, a Header after the Body, and a missing Body', () => {
      expectRefused(`<soap:Envelope xmlns:soap="${SOAP}"><soap:Header/><soap:Header/><soap:Body/></soap:Envelope>`, 'XML_MALFORMED');
      expectRefused(`<soap:Envelope xmlns:soap="${SOAP}"><soap:Body/><soap:Header/></soap:Envelope>`, 'XML_MALFORMED');
      expectRefused(`<soap:Envelope xmlns:soap="${SOAP}"><soap:Header/></soap:Envelope>`, 'XML_MALFORMED', /no Body/);
    });
    it('refuses the wrong namespace: SOAP 1.2, none, or a look-alike Body', () => {
      expectRefused(envelope().replace(SOAP, 'http://www.w3.org/2003/05/soap-envelope'), 'XML_MALFORMED', /SOAP 1\.1 namespace/);
      expectRefused(`<Envelope><Body>${SAMPLE_BODY}</Body></Envelope>`, 'XML_MALFORMED');
      expectRefused(`<soap:Envelope xmlns:soap="${SOAP}"><f:Body xmlns:f="urn:fake"/></soap:Envelope>`, 'XML_MALFORMED');
    });
    it('refuses other elements beside Header and Body, and a SOAP Body nested in the message', () => {
      expectRefused(`<soap:Envelope xmlns:soap="${SOAP}"><soap:Body/><extra/></soap:Envelope>`, 'XML_MALFORMED');
      expectRefused(envelope(SAMPLE_BODY, `<w:Wrapper xmlns:w="urn:w"><soap:Body>${SAMPLE_BODY}</soap:Body></w:Wrapper>`), 'XML_MALFORMED', /nested/);
    });
  });

  it('refuses nesting beyond the depth limit', () => {
    const deep = '<a>'.repeat(40) + '</a>'.repeat(40);
    expectRefused(envelope(deep), 'XML_TOO_DEEP', /deeper than 32/);
    checkSoapEnvelope(Buffer.from(envelope('<a>'.repeat(20) + '</a>'.repeat(20))), LIMITS);
    const attributeTrick = '<a x="/>">'.repeat(40) + '</a>'.repeat(40);
    expectRefused(envelope(attributeTrick), 'XML_TOO_DEEP');
  });

  it('never echoes large input in its messages', () => {
    const longName = 'x'.repeat(5000);
    const error = refusal(`<${longName}/>`);
    expect(error.code).to.equal('XML_MALFORMED');
    expect(error.message.length).to.be.lessThan(200);
  });

  describe('SOAP encoding (document/literal services only)', () => {
    const SOAPENC = 'http://schemas.xmlsoap.org/soap/encoding/';
    const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
    const refusedEncoding: Record<string, string> = {
      'an href reference': '<x><a href="#r"/><r id="r"/></x>',
      'an href in another namespace or case': '<x xmlns:l="http://www.w3.org/1999/xlink"><a l:HREF="#r"/></x>',
      'an unqualified id': '<x id="r"/>',
      'an Id outside wsu: on a payload element': '<x Id="r"/>',
      'xml:id': '<x xml:id="r"/>',
      'a soapenc attribute': `<x xmlns:enc="${SOAPENC}" enc:arrayType="xsd:string[2]"/>`,
      'an arrayType in another namespace': '<x xmlns:w="http://schemas.xmlsoap.org/wsdl/" w:arrayType="x[2]"/>',
      'encodingStyle': `<x xmlns:s="${SOAP}" s:encodingStyle="${SOAPENC}"/>`,
      'an element of the SOAP encoding namespace': `<enc:Array xmlns:enc="${SOAPENC}"/>`,
      'an xsi:type naming a SOAP encoding type': `<x xmlns:xsi="${XSI}" xmlns:enc="${SOAPENC}" xsi:type="enc:Array"/>`,
    };
    for (const [name, body] of Object.entries(refusedEncoding)) {
      it(`refuses ${name}`, () => expectRefused(envelope(body), 'SOAP_ENCODING_FORBIDDEN', /SOAP encoding is not accepted/));
    }
    it('accepts the ids signed requests carry: wsu:Id anywhere, Id on XML-DSig elements; and xsi:nil', () => {
      const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
      const header = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="SIG-1"><ds:KeyInfo Id="KI-1"/></ds:Signature>` +
        `<t xmlns:u="${WSU}" u:Id="ts-1"/>`;
      checkSoapEnvelope(Buffer.from(envelope(`<x xmlns:ns0="${WSU}" ns0:Id="b"><y xmlns:xsi="${XSI}" xsi:nil="true"/></x>`, header)), LIMITS);
    });
  });

  describe('element, attribute and namespace caps', () => {
    const limits = { ...LIMITS, maxElements: 100, maxAttributesPerElement: 4, maxNamespacesInScope: 6 };
    const accepted = (xml: string) => checkSoapEnvelope(Buffer.from(xml), limits);
    it('counts every element of the message', () => {
      accepted(envelope(`<x>${'<y/>'.repeat(96)}</x>`));
      expectRefused(envelope(`<x>${'<y/>'.repeat(97)}</x>`), 'XML_LIMIT_EXCEEDED', /more than 100 elements/, limits);
    });
    it('caps the attributes of one element, namespace declarations not counted', () => {
      accepted(envelope('<x xmlns:a="urn:a" xmlns:b="urn:b" a="1" b="2" c="3" d="4"/>'));
      expectRefused(envelope('<x a="1" b="2" c="3" d="4" e="5"/>'), 'XML_LIMIT_EXCEEDED', /5 attributes/, limits);
    });
    it('caps the namespace declarations in scope, on one element or on its ancestors, not on siblings', () => {
      accepted(envelope(`<x xmlns:a="urn:a" xmlns:b="urn:b">${'<y xmlns:c="urn:c" xmlns:d="urn:d" xmlns:e="urn:e"/>'.repeat(20)}</x>`));
      expectRefused(envelope('<x xmlns:a="urn:a" xmlns:b="urn:b"><y xmlns:c="urn:c" xmlns:d="urn:d" xmlns:e="urn:e" xmlns:f="urn:f"/></x>'),
        'XML_LIMIT_EXCEEDED', /7 namespace declarations in scope/, limits);
      expectRefused(envelope('<x xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" xmlns:d="urn:d" xmlns:e="urn:e" xmlns:f="urn:f"/>'),
        'XML_LIMIT_EXCEEDED', /in scope/, limits);
    });
    it('leaves room for a 50,000-ESI-ID request with the defaults, even one declaring its namespace on every element', () => {
      const esiids = '<esiid xmlns="urn:smt:meterusage">10443720000000001</esiid>'.repeat(50_000);
      checkSoapEnvelope(Buffer.from(envelope(`<SubmitUsageRequest xmlns="urn:smt:meterusage"><trans_id>T</trans_id>${esiids}</SubmitUsageRequest>`)), { maxBytes: 4 * 1024 * 1024, maxDepth: 32 });
    });
  });

  it('checks a 50,000-ESI-ID envelope quickly', () => {
    const body = `<SubmitUsageRequest xmlns="urn:smt:meterusage">${'<esiid>10443720000000001</esiid>'.repeat(50_000)}</SubmitUsageRequest>`;
    const raw = Buffer.from(envelope(body));
    const started = process.hrtime.bigint();
    checkSoapEnvelope(raw, { maxBytes: 4 * 1024 * 1024, maxDepth: 32 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`      checkSoapEnvelope on ${(raw.length / 1e6).toFixed(2)} MB: ${ms.toFixed(0)} ms`);
  });
});
