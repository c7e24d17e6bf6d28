import fs from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import * as soap from 'soap';
import { contractPath, type MessageFields } from '../../src/soap/contract';
import { FAULT_NAMESPACE } from '../../src/soap/fault-table';
import { runTool } from './run-tool';
import { validateAgainstXsd } from './xsd-validate';

/**
 * The drift test every contract in wsdl/ gets: its XSD against the TypeScript field lists, and each
 * WSDL that uses the XSD against the operations the code expects. The conventions it enforces: one
 * namespace per schema, elementFormDefault qualified, named types only, one flat xs:sequence per
 * message (no extension, choice or anonymous simple types), documentation on everything, document/
 * literal SOAP 1.1 with soapAction `<namespace>/<Operation>`, and the smtFault on every operation.
 * Each WSDL is also read by node-soap and by zeep (an independent, strict reader); samples are checked
 * with xmllint, and with `wireText` node-soap must hand every one of their values over as text.
 */

export const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';

export interface OperationElements {
  readonly input: string;
  readonly output: string;
}

export interface WsdlExpectations {
  /** File name in wsdl/. */
  file: string;
  operations: Readonly<Record<string, OperationElements>>;
  service: string;
  port: string;
  binding: string;
  /** The placeholder address of the port. */
  address: string;
}

export interface ContractExpectations {
  /** Names the describe block. */
  title: string;
  namespace: string;
  /** File name in wsdl/. */
  xsdFile: string;
  /** Every top-level element and named complex type of the schema, with its fields. */
  messageFields: MessageFields;
  /** The schemas it imports, namespace → schemaLocation (default: none). */
  imports?: Readonly<Record<string, string>>;
  /** Each enumerated simple type of the schema with its values in schema order; every one must be listed. */
  enumerations?: Readonly<Record<string, readonly string[]>>;
  /** The WSDLs built on the schema; together their operations use every top-level element. */
  wsdls: readonly WsdlExpectations[];
  /**
   * Every simple value reaches a node-soap service method (or client) as the text sent: no field has a
   * built-in type node-soap converts by name (NODE_SOAP_CONVERTED), and the samples parse to text.
   */
  wireText?: boolean;
  /** A valid sample of every top-level element (checked with xmllint, and through node-soap with wireText). */
  samples?: Readonly<Record<string, { readonly [field: string]: SampleValue }>>;
}

/** The XSD built-in types node-soap 1.13 turns into numbers, booleans or Dates when it parses a message. */
export const NODE_SOAP_CONVERTED = ['int', 'integer', 'short', 'long', 'double', 'float', 'decimal', 'bool', 'boolean', 'dateTime', 'date'];

export function parseContract(file: string): Element {
  return new DOMParser().parseFromString(fs.readFileSync(contractPath(file), 'utf8'), 'text/xml').documentElement!;
}

export function children(parent: Element, ns: string, name?: string): Element[] {
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

/** A QName attribute as {namespace}local, resolved against the declarations in scope. */
function qname(e: Element, attribute: string): string {
  const value = e.getAttribute(attribute) ?? '';
  const [prefix, local] = value.includes(':') ? value.split(':') : [null, value];
  return `{${e.lookupNamespaceURI(prefix) ?? ''}}${local}`;
}

/** The field notation of the MESSAGE_FIELDS lists: name, name?, name*, name+ or name[min..max]. */
function fieldSpec(e: Element): string {
  const name = e.getAttribute('name');
  const min = e.getAttribute('minOccurs') || '1';
  const max = e.getAttribute('maxOccurs') || '1';
  const suffix = ({ '1..1': '', '0..1': '?', '0..unbounded': '*', '1..unbounded': '+' } as Record<string, string>)[`${min}..${max}`];
  return `${name}${suffix ?? `[${min}..${max}]`}`;
}

/** The one flat sequence of a complex type: only xs:element children, no attributes, extensions or choices. */
function sequenceOf(type: Element): Element[] {
  expect(children(type, XS).filter((c) => c.localName !== 'annotation').map((c) => c.localName), type.getAttribute('name') ?? 'complexType').to.deep.equal(['sequence']);
  const sequence = only(type, XS, 'sequence');
  const parts = children(sequence, XS);
  expect(parts.filter((p) => p.localName !== 'element').map((p) => p.localName), `only elements in the sequence of ${type.getAttribute('name') ?? 'a message'}`).to.deep.equal([]);
  return parts;
}

/** Declares the mocha suite for one schema and the WSDLs built on it. */
export function describeContract(contract: ContractExpectations): void {
  const { namespace, messageFields } = contract;

  describe(`${contract.title} contract (wsdl/ is the source of truth)`, () => {
    const xsd = parseContract(contract.xsdFile);
    const tns = (local: string) => `{${namespace}}${local}`;
    const complexTypes = new Set(children(xsd, XS, 'complexType').map((t) => t.getAttribute('name')!));
    const topLevel = children(xsd, XS, 'element').map((e) => e.getAttribute('name')!);

    /** Every top-level element and named complex type of the schema, with its fields. */
    const schemaMessages = new Map<string, Element[]>();
    for (const e of children(xsd, XS, 'element')) schemaMessages.set(e.getAttribute('name')!, sequenceOf(only(e, XS, 'complexType')));
    for (const t of children(xsd, XS, 'complexType')) schemaMessages.set(t.getAttribute('name')!, sequenceOf(t));

    it('is one schema in one namespace, qualified, importing only what it declares', () => {
      expect(xsd.getAttribute('targetNamespace')).to.equal(namespace);
      expect(xsd.getAttribute('elementFormDefault')).to.equal('qualified');
      expect(children(xsd, XS, 'include')).to.have.length(0);
      const imports = Object.fromEntries(children(xsd, XS, 'import').map((i) => [i.getAttribute('namespace'), i.getAttribute('schemaLocation')]));
      expect(imports).to.deep.equal(contract.imports ?? {});
    });

    it('has the same messages, fields, order and cardinalities as the TypeScript types', () => {
      expect([...schemaMessages.keys()].sort()).to.deep.equal(Object.keys(messageFields).sort());
      for (const [name, fields] of schemaMessages) {
        expect(fields.map(fieldSpec), name).to.deep.equal([...messageFields[name]]);
      }
    });

    it('gives every field a named type, and a field list to every complex type it refers to', () => {
      for (const [name, fields] of schemaMessages) {
        for (const field of fields) {
          const where = `${name}.${field.getAttribute('name')}`;
          expect(field.hasAttribute('type'), `${where} has a named type`).to.equal(true);
          expect(children(field, XS).filter((c) => c.localName !== 'annotation'), `${where} has no inline type`).to.have.length(0);
          const type = qname(field, 'type');
          if (type.startsWith(`{${XS}}`)) continue;
          const local = type.replace(`{${namespace}}`, '');
          expect(type, `${where} refers to a type of its own schema`).to.equal(tns(local));
          const simple = children(xsd, XS, 'simpleType').some((t) => t.getAttribute('name') === local);
          expect(simple || complexTypes.has(local), `${where}: type ${local} is declared`).to.equal(true);
          if (complexTypes.has(local)) expect(messageFields, where).to.have.property(local);
        }
      }
    });

    it('documents every element and type', () => {
      const undocumented: string[] = [];
      const walk = (e: Element, path: string): void => {
        for (let n = e.firstChild; n; n = n.nextSibling) {
          if (n.nodeType !== 1) continue;
          const child = n as Element;
          const name = child.getAttribute('name');
          const here = name ? `${path}/${name}` : path;
          if (child.namespaceURI === XS && ['element', 'complexType', 'simpleType'].includes(child.localName!) && name) {
            if (!documentation(child, XS)) undocumented.push(here);
          }
          walk(child, here);
        }
      };
      walk(xsd, '');
      expect(undocumented).to.deep.equal([]);
    });

    it('lists the values the TypeScript enumerations allow', () => {
      const enumerated = children(xsd, XS, 'simpleType').filter((t) => children(only(t, XS, 'restriction'), XS, 'enumeration').length > 0);
      expect(enumerated.map((t) => t.getAttribute('name')).sort()).to.deep.equal(Object.keys(contract.enumerations ?? {}).sort());
      for (const type of enumerated) {
        const values = children(only(type, XS, 'restriction'), XS, 'enumeration').map((e) => e.getAttribute('value'));
        expect(values, type.getAttribute('name')!).to.deep.equal([...contract.enumerations![type.getAttribute('name')!]]);
      }
    });

    if (contract.wireText) {
      it('gives no field a built-in type that node-soap would convert from its text', () => {
        const converted = [...schemaMessages].flatMap(([name, fields]) => fields
          .filter((f) => NODE_SOAP_CONVERTED.some((t) => qname(f, 'type') === `{${XS}}${t}`))
          .map((f) => `${name}.${f.getAttribute('name')}: ${f.getAttribute('type')}`));
        expect(converted, 'use a named simple type restricting it').to.deep.equal([]);
      });
    }

    if (contract.samples) describeSamples(contract, contract.samples, schemaMessages, complexTypes);

    if (contract.wsdls.length > 0) {
      it('uses every top-level element as the input or output of an operation', () => {
        const used = contract.wsdls.flatMap((w) => Object.values(w.operations).flatMap((o) => [o.input, o.output]));
        expect([...new Set(used)].sort()).to.deep.equal([...topLevel].sort());
      });
    }

    for (const expected of contract.wsdls) describeWsdl(contract, expected);
  });
}

function describeSamples(
  contract: ContractExpectations,
  samples: NonNullable<ContractExpectations['samples']>,
  schemaMessages: ReadonlyMap<string, Element[]>,
  complexTypes: ReadonlySet<string>,
): void {
  const topLevel = () => [...schemaMessages.keys()].filter((name) => !complexTypes.has(name)).sort();

  it('has a sample of every top-level element, and each is valid against the schema (xmllint)', () => {
    expect(Object.keys(samples).sort()).to.deep.equal(topLevel());
    for (const [element, fields] of Object.entries(samples)) {
      const result = validateAgainstXsd(sampleXml(contract.namespace, element, fields), undefined, contractPath(contract.xsdFile));
      expect(result.valid, `${element}: ${result.errors}`).to.equal(true);
    }
  });

  if (!contract.wireText) return;

  /** Fails unless every simple value is text and exactly the repeated fields are arrays, as the schema says. */
  const expectWireText = (value: unknown, message: string, where: string): void => {
    const fields = new Map(schemaMessages.get(message)!.map((f) => [f.getAttribute('name')!, f]));
    for (const [key, parsed] of Object.entries(value as Record<string, unknown>)) {
      const field = fields.get(key);
      expect(field, `${where}.${key} is a field of ${message}`).to.not.equal(undefined);
      const repeated = !['1', null, ''].includes(field!.getAttribute('maxOccurs'));
      expect(Array.isArray(parsed), `${where}.${key} is ${repeated ? '' : 'not '}an array`).to.equal(repeated);
      const type = qname(field!, 'type').replace(`{${contract.namespace}}`, '');
      for (const item of repeated ? (parsed as unknown[]) : [parsed]) {
        if (complexTypes.has(type)) expectWireText(item, type, `${where}.${key}`);
        else expect(typeof item, `${where}.${key} = ${JSON.stringify(item)}`).to.equal('string');
      }
    }
  };

  it('is handed over by node-soap as text: every simple value a string, repeated elements as arrays', async () => {
    for (const wsdl of contract.wsdls) {
      const client = await soap.createClientAsync(contractPath(wsdl.file));
      for (const element of Object.values(wsdl.operations).flatMap((o) => [o.input, o.output])) {
        const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${sampleXml(contract.namespace, element, samples[element])}</s:Body></s:Envelope>`;
        const body = (client.wsdl.xmlToObject(envelope) as { Body: Record<string, unknown> }).Body;
        expect(Object.keys(body), element).to.deep.equal([element]);
        expectWireText(body[element], element, element);
      }
    }
  });
}

function describeWsdl(contract: ContractExpectations, expected: WsdlExpectations): void {
  const { namespace } = contract;
  const operationNames = Object.keys(expected.operations).sort();

  describe(`WSDL ${expected.file}`, () => {
    const wsdl = parseContract(expected.file);
    const portType = only(wsdl, WSDL, 'portType');
    const binding = only(wsdl, WSDL, 'binding');
    const messages = new Map(children(wsdl, WSDL, 'message').map((m) => [`{${namespace}}${m.getAttribute('name')}`, qname(only(m, WSDL, 'part'), 'element')]));

    it('is documented, in the contract namespace, and includes its schema file and nothing else', () => {
      expect(wsdl.getAttribute('targetNamespace')).to.equal(namespace);
      expect(documentation(wsdl, WSDL)).to.not.equal('');
      const schemas = children(only(wsdl, WSDL, 'types'), XS, 'schema');
      expect(schemas).to.have.length(1);
      expect(schemas[0].getAttribute('targetNamespace')).to.equal(namespace);
      expect(children(schemas[0], XS).map((c) => `${c.localName} ${c.getAttribute('schemaLocation')}`)).to.deep.equal([`include ${contract.xsdFile}`]);
    });

    it('has exactly the expected operations, documented, with their elements and the smtFault', () => {
      const operations = children(portType, WSDL, 'operation');
      expect(operations.map((o) => o.getAttribute('name')).sort()).to.deep.equal(operationNames);
      for (const op of operations) {
        const name = op.getAttribute('name')!;
        expect(documentation(op, WSDL), `${name} documentation`).to.not.equal('');
        const element = (tag: string) => messages.get(qname(only(op, WSDL, tag), 'message'));
        expect(element('input'), `${name} input`).to.equal(`{${namespace}}${expected.operations[name].input}`);
        expect(element('output'), `${name} output`).to.equal(`{${namespace}}${expected.operations[name].output}`);
        expect(only(op, WSDL, 'fault').getAttribute('name'), `${name} fault`).to.equal('smtFault');
        expect(element('fault'), `${name} fault element`).to.equal(`{${FAULT_NAMESPACE}}smtFault`);
      }
    });

    it('binds every operation as document/literal SOAP 1.1 with its soapAction and the fault', () => {
      expect(binding.getAttribute('name')).to.equal(expected.binding);
      expect(qname(binding, 'type')).to.equal(`{${namespace}}${portType.getAttribute('name')}`);
      const soapBinding = only(binding, WSDL_SOAP, 'binding');
      expect(soapBinding.getAttribute('style')).to.equal('document');
      expect(soapBinding.getAttribute('transport')).to.equal('http://schemas.xmlsoap.org/soap/http');
      const operations = children(binding, WSDL, 'operation');
      expect(operations.map((o) => o.getAttribute('name')).sort()).to.deep.equal(operationNames);
      for (const op of operations) {
        const name = op.getAttribute('name');
        expect(only(op, WSDL_SOAP, 'operation').getAttribute('soapAction')).to.equal(`${namespace}/${name}`);
        for (const tag of ['input', 'output']) expect(only(only(op, WSDL, tag), WSDL_SOAP, 'body').getAttribute('use'), `${name} ${tag}`).to.equal('literal');
        const fault = only(op, WSDL, 'fault');
        expect(fault.getAttribute('name')).to.equal('smtFault');
        const soapFault = only(fault, WSDL_SOAP, 'fault');
        expect([soapFault.getAttribute('name'), soapFault.getAttribute('use')]).to.deep.equal(['smtFault', 'literal']);
      }
    });

    it(`publishes service ${expected.service}, port ${expected.port}, at ${expected.address}`, () => {
      const service = only(wsdl, WSDL, 'service');
      expect(service.getAttribute('name')).to.equal(expected.service);
      expect(documentation(service, WSDL)).to.not.equal('');
      const port = only(service, WSDL, 'port');
      expect(port.getAttribute('name')).to.equal(expected.port);
      expect(qname(port, 'binding')).to.equal(`{${namespace}}${expected.binding}`);
      expect(only(port, WSDL_SOAP, 'address').getAttribute('location')).to.equal(expected.address);
    });

    it('is read by node-soap, which describes every operation', async () => {
      const client = await soap.createClientAsync(contractPath(expected.file));
      const services = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
      expect(Object.keys(services)).to.deep.equal([expected.service]);
      expect(Object.keys(services[expected.service])).to.deep.equal([expected.port]);
      expect(Object.keys(services[expected.service][expected.port]).sort()).to.deep.equal(operationNames);
    });

    it('is read by zeep, a strict independent reader, with the smtFault on every operation', async function () {
      this.timeout(30_000);
      const script = [
        'import sys, zeep',
        'client = zeep.Client(sys.argv[1])',
        'for service in client.wsdl.services.values():',
        '    for port in service.ports.values():',
        '        for name, op in sorted(port.binding._operations.items()):',
        "            print(service.name, port.name, name, ','.join(f.abstract.parts['fault'].element.qname.text for f in op.faults.values()))",
      ].join('\n');
      const out = (await runTool('/usr/bin/python3', ['-c', script, contractPath(expected.file)])).toString().trim().split('\n');
      expect(out).to.deep.equal(operationNames.map((name) => `${expected.service} ${expected.port} ${name} {${FAULT_NAMESPACE}}smtFault`));
    });
  });
}

/** A sample value: text, a repeated element, or a complex element's fields (in schema order). */
export type SampleValue = string | readonly SampleValue[] | { readonly [field: string]: SampleValue };

/** A sample message as a standalone document in its namespace, for validateAgainstXsd. */
export function sampleXml(namespace: string, element: string, fields: { readonly [field: string]: SampleValue }): string {
  return xmlOf(element, fields, ` xmlns="${namespace}"`);
}

function xmlOf(name: string, value: SampleValue, attributes = ''): string {
  if (Array.isArray(value)) return value.map((v: SampleValue) => xmlOf(name, v)).join('');
  if (typeof value === 'string') return `<${name}${attributes}>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`;
  const inner = Object.entries(value as { readonly [field: string]: SampleValue }).map(([field, v]) => xmlOf(field, v)).join('');
  return `<${name}${attributes}>${inner}</${name}>`;
}
