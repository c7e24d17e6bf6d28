import fs from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import * as soap from 'soap';
import {
  asArray, contractPath, MESSAGE_FIELDS, METER_USAGE_NAMESPACE, METER_USAGE_OPERATIONS, METER_USAGE_XSD_FILE, STATUS_CODES,
  wireText, type SubmitUsageRequest,
} from '../../../src/soap/meter-usage.types';
import { validateAgainstXsd } from '../../support/xsd-validate';

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';

function parse(file: string): Document {
  return new DOMParser().parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
}

function children(parent: Element, ns: string, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    const e = n as Element;
    if (n.nodeType === 1 && e.namespaceURI === ns && (name === undefined || e.localName === name)) out.push(e);
  }
  return out;
}

function only(parent: Element, ns: string, name: string): Element {
  const found = children(parent, ns, name);
  expect(found, `<${name}> in <${parent.getAttribute('name') ?? parent.localName}>`).to.have.length(1);
  return found[0];
}

function documentation(e: Element, ns: string): string {
  const direct = children(e, ns, 'documentation')[0];
  const annotated = children(e, XS, 'annotation').flatMap((a) => children(a, XS, 'documentation'))[0];
  return (direct ?? annotated)?.textContent?.trim() ?? '';
}

/** The field notation of MESSAGE_FIELDS: name, name?, name*, name+ or name[min..max]. */
function fieldSpec(e: Element): string {
  const name = e.getAttribute('name');
  const min = e.getAttribute('minOccurs') || '1';
  const max = e.getAttribute('maxOccurs') || '1';
  const suffix = ({ '1..1': '', '0..1': '?', '0..unbounded': '*', '1..unbounded': '+' } as Record<string, string>)[`${min}..${max}`];
  return `${name}${suffix ?? `[${min}..${max}]`}`;
}

function sequenceOf(type: Element): Element[] {
  return children(only(type, XS, 'sequence'), XS, 'element');
}

describe('MeterUsage contract (wsdl/ is the source of truth)', () => {
  const xsd = parse(contractPath(METER_USAGE_XSD_FILE)).documentElement!;
  const wsdl = parse(contractPath()).documentElement!;

  /** Every top-level element and named complex type of the schema, with its fields. */
  const schemaMessages = new Map<string, Element[]>();
  for (const e of children(xsd, XS, 'element')) schemaMessages.set(e.getAttribute('name')!, sequenceOf(only(e, XS, 'complexType')));
  for (const t of children(xsd, XS, 'complexType')) schemaMessages.set(t.getAttribute('name')!, sequenceOf(t));

  it('is one schema in one namespace, qualified', () => {
    expect(xsd.getAttribute('targetNamespace')).to.equal(METER_USAGE_NAMESPACE);
    expect(xsd.getAttribute('elementFormDefault')).to.equal('qualified');
    expect(children(xsd, XS, 'import')).to.have.length(0);
    expect(children(xsd, XS, 'include')).to.have.length(0);
  });

  it('has the same messages, fields, order and cardinalities as the TypeScript types', () => {
    expect([...schemaMessages.keys()].sort()).to.deep.equal(Object.keys(MESSAGE_FIELDS).sort());
    for (const [name, fields] of schemaMessages) {
      expect(fields.map(fieldSpec), name).to.deep.equal([...MESSAGE_FIELDS[name]]);
    }
  });

  it('refers only to complex types that have a field list', () => {
    for (const [name, fields] of schemaMessages) {
      for (const field of fields) {
        const type = field.getAttribute('type') ?? '';
        const local = type.replace(/^tns:/, '');
        const isComplex = children(xsd, XS, 'complexType').some((t) => t.getAttribute('name') === local);
        if (isComplex) expect(MESSAGE_FIELDS, `${name}.${field.getAttribute('name')}`).to.have.property(local);
        expect(type, `${name}.${field.getAttribute('name')} has a named type`).to.match(/^(tns|xs):\w+$/);
      }
    }
  });

  it('documents every element and type', () => {
    const undocumented: string[] = [];
    const walk = (e: Element, path: string): void => {
      for (let n = e.firstChild; n; n = n.nextSibling) {
        if (n.nodeType !== 1) continue;
        const child = n as Element;
        const kind = child.localName;
        const name = child.getAttribute('name');
        const here = name ? `${path}/${name}` : path;
        if (child.namespaceURI === XS && ['element', 'complexType', 'simpleType'].includes(kind!) && name) {
          if (!documentation(child, XS)) undocumented.push(here);
        }
        walk(child, here);
      }
    };
    walk(xsd, '');
    expect(undocumented).to.deep.equal([]);
  });

  it('lists the status codes the types allow', () => {
    const statusType = children(xsd, XS, 'simpleType').find((t) => t.getAttribute('name') === 'StatusCode')!;
    const values = children(only(statusType, XS, 'restriction'), XS, 'enumeration').map((e) => e.getAttribute('value'));
    expect(values).to.deep.equal([...STATUS_CODES]);
  });

  describe('WSDL', () => {
    const portType = only(wsdl, WSDL, 'portType');
    const binding = only(wsdl, WSDL, 'binding');
    const messages = new Map(children(wsdl, WSDL, 'message').map((m) => [m.getAttribute('name')!, only(m, WSDL, 'part').getAttribute('element')]));

    it('includes the schema file and nothing else', () => {
      const schemas = children(only(wsdl, WSDL, 'types'), XS, 'schema');
      expect(schemas).to.have.length(1);
      expect(schemas[0].getAttribute('targetNamespace')).to.equal(METER_USAGE_NAMESPACE);
      expect(children(schemas[0], XS, 'include').map((i) => i.getAttribute('schemaLocation'))).to.deep.equal([METER_USAGE_XSD_FILE]);
      expect(children(schemas[0], XS, 'element')).to.have.length(0);
    });

    it('has exactly the operations of METER_USAGE_OPERATIONS, documented, with their elements and the smtFault', () => {
      const operations = children(portType, WSDL, 'operation');
      expect(operations.map((o) => o.getAttribute('name')).sort()).to.deep.equal(Object.keys(METER_USAGE_OPERATIONS).sort());
      for (const op of operations) {
        const name = op.getAttribute('name') as keyof typeof METER_USAGE_OPERATIONS;
        expect(documentation(op, WSDL), `${name} documentation`).to.not.equal('');
        const element = (tag: string) => messages.get(only(op, WSDL, tag).getAttribute('message')!.replace(/^tns:/, ''));
        expect(element('input')).to.equal(`tns:${METER_USAGE_OPERATIONS[name].input}`);
        expect(element('output')).to.equal(`tns:${METER_USAGE_OPERATIONS[name].output}`);
        expect(element('fault')).to.equal('tns:smtFault');
      }
    });

    it('binds every operation as document/literal SOAP 1.1 with the fault', () => {
      expect(only(binding, WSDL_SOAP, 'binding').getAttribute('style')).to.equal('document');
      for (const op of children(binding, WSDL, 'operation')) {
        const name = op.getAttribute('name');
        expect(only(op, WSDL_SOAP, 'operation').getAttribute('soapAction')).to.equal(`${METER_USAGE_NAMESPACE}/${name}`);
        for (const tag of ['input', 'output']) expect(only(only(op, WSDL, tag), WSDL_SOAP, 'body').getAttribute('use')).to.equal('literal');
        expect(only(only(op, WSDL, 'fault'), WSDL_SOAP, 'fault').getAttribute('name')).to.equal('smtFault');
      }
      expect(children(binding, WSDL, 'operation')).to.have.length(Object.keys(METER_USAGE_OPERATIONS).length);
    });

    it('publishes service MeterUsage at the placeholder address', () => {
      const service = only(wsdl, WSDL, 'service');
      expect(service.getAttribute('name')).to.equal('MeterUsage');
      const address = only(only(service, WSDL, 'port'), WSDL_SOAP, 'address');
      expect(address.getAttribute('location')).to.equal('https://localhost:8443/MeterUsage');
    });
  });

  describe('as node-soap reads it', () => {
    let client: soap.Client;
    before(async () => {
      client = await soap.createClientAsync(contractPath());
    });

    it('describes every operation', () => {
      const port = client.describe().MeterUsage.MeterUsagePort;
      expect(Object.keys(port).sort()).to.deep.equal(Object.keys(METER_USAGE_OPERATIONS).sort());
    });

    it('hands a request over with string values, repeated elements as arrays and empty ones as null', () => {
      const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${METER_USAGE_NAMESPACE}"><s:Body>
        <m:SubmitUsageRequest><m:trans_id>T-1</m:trans_id><m:requestorID>ops</m:requestorID><m:requesterType>ROR</m:requesterType>
        <m:requesterAuthenticationID>012345678</m:requesterAuthenticationID><m:reportType>INTERVAL</m:reportType>
        <m:startDate>07/01/2025</m:startDate><m:endDate>07/02/2025</m:endDate><m:version/>
        <m:esiid>00104437200000001</m:esiid></m:SubmitUsageRequest></s:Body></s:Envelope>`;
      const parsed = client.wsdl.xmlToObject(envelope) as { Body: { SubmitUsageRequest: SubmitUsageRequest } };
      const args = parsed.Body.SubmitUsageRequest;
      expect(args.requesterAuthenticationID).to.equal('012345678');
      expect(args.version).to.equal(null);
      expect(wireText(args.version)).to.equal(undefined);
      expect(args.readingType).to.equal(undefined);
      expect(asArray(args.esiid)).to.deep.equal(['00104437200000001']);
    });
  });

  describe('asArray', () => {
    it('takes a single value, an array, or nothing', () => {
      expect(asArray('1')).to.deep.equal(['1']);
      expect(asArray(['1', '2'])).to.deep.equal(['1', '2']);
      expect(asArray(undefined)).to.deep.equal([]);
      expect(asArray(null)).to.deep.equal([]);
    });
  });

  describe('validateAgainstXsd', () => {
    const envelope = (body: string) =>
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="${METER_USAGE_NAMESPACE}"><soap:Body>${body}</soap:Body></soap:Envelope>`;

    it('accepts a valid payload, whether its namespace is declared on it or on the envelope', () => {
      const own = validateAgainstXsd(envelope(`<GetUsageRequestStatus xmlns="${METER_USAGE_NAMESPACE}"><trans_id>T</trans_id><requestorID>r</requestorID><correlationId>c</correlationId></GetUsageRequestStatus>`));
      expect(own.errors).to.equal('');
      expect(own.valid).to.equal(true);
      const inherited = validateAgainstXsd(envelope('<tns:GetUsageRequestStatus><tns:trans_id>T</tns:trans_id><tns:requestorID>r</tns:requestorID><tns:correlationId>c</tns:correlationId></tns:GetUsageRequestStatus>'));
      expect(inherited.valid, inherited.errors).to.equal(true);
    });

    it('refuses a payload that breaks the schema, and says why', () => {
      const result = validateAgainstXsd(envelope('<tns:SubmitUsageRequestResponse><tns:trans_id>T</tns:trans_id><tns:statusCode>MAYBE</tns:statusCode></tns:SubmitUsageRequestResponse>'));
      expect(result.valid).to.equal(false);
      expect(result.errors).to.match(/correlationId/);
    });

    it('finds a named element inside the Body, such as a fault detail', () => {
      const fault = envelope(`<soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring><detail><smtFault xmlns="${METER_USAGE_NAMESPACE}"><code>NOT_FOUND</code><message>m</message></smtFault></detail></soap:Fault>`);
      expect(validateAgainstXsd(fault).valid).to.equal(false);
      expect(validateAgainstXsd(fault, 'smtFault').valid).to.equal(true);
      expect(validateAgainstXsd(fault, 'nothing').errors).to.match(/no <nothing>/);
    });

    it('reports XML that is not well-formed', () => {
      const result = validateAgainstXsd('<soap:Envelope');
      expect(result.valid).to.equal(false);
      expect(result.errors).to.match(/not well-formed/);
    });
  });
});
