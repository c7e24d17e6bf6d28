import { spawnSync } from 'node:child_process';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { contractPath } from '../../src/soap/contract';
import { ESIID_DATA_NAMESPACE, ESIID_DATA_XSD_FILE } from '../../src/soap/esiid-data.types';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../src/soap/fault-table';
import { HAN_NAMESPACE, HAN_XSD_FILE } from '../../src/soap/han.types';
import { METER_USAGE_NAMESPACE, METER_USAGE_XSD_FILE } from '../../src/soap/meter-usage.types';
import { TDSP_HAN_NAMESPACE, TDSP_HAN_XSD_FILE } from '../../src/soap/tdsp-han.types';

const SOAP11_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
const XMLNS = 'http://www.w3.org/2000/xmlns/';

/** The schema of each contract namespace in wsdl/: a payload is validated against the schema of its own namespace. */
export const SCHEMA_OF_NAMESPACE: Readonly<Record<string, string>> = {
  [METER_USAGE_NAMESPACE]: METER_USAGE_XSD_FILE,
  [ESIID_DATA_NAMESPACE]: ESIID_DATA_XSD_FILE,
  [HAN_NAMESPACE]: HAN_XSD_FILE,
  [TDSP_HAN_NAMESPACE]: TDSP_HAN_XSD_FILE,
  [FAULT_NAMESPACE]: FAULT_XSD_FILE,
};

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages, or why no payload could be taken out of the message. */
  errors: string;
  /** The standalone document that was validated. */
  payload: string;
}

/**
 * Validates the payload of a SOAP message with xmllint (libxml2), a validator independent of the
 * code under test, against `xsd` (a path), or by default against the schema in wsdl/ of the
 * payload's namespace (SCHEMA_OF_NAMESPACE: a fault detail against smt-fault.xsd). The payload is the
 * first element child of soap:Body, or with `element`, the first element of that local name inside the
 * Body (`smtFault` picks a fault's detail). A document without a SOAP Body is validated as it is.
 */
export function validateAgainstXsd(xml: string, element?: string, xsd?: string): XsdResult {
  const extracted = extractPayload(xml, element);
  if ('problem' in extracted) return { valid: false, errors: extracted.problem, payload: '' };
  const schemaFile = SCHEMA_OF_NAMESPACE[extracted.namespace];
  if (xsd === undefined && schemaFile === undefined) {
    return { valid: false, errors: `no schema in wsdl/ for the namespace "${extracted.namespace}" of the payload`, payload: extracted.payload };
  }
  const schema = xsd ?? contractPath(schemaFile!);
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, '-'], { input: extracted.payload, encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint could not run (apt-get install libxml2-utils): ${run.error.message}`);
  return { valid: run.status === 0, errors: run.status === 0 ? '' : run.stderr.trim(), payload: extracted.payload };
}

function extractPayload(xml: string, element?: string): { payload: string; namespace: string } | { problem: string } {
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => undefined, error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (problems.length > 0 || !root) return { problem: `not well-formed XML: ${problems.join('; ') || 'no root element'}` };
  const body = root.namespaceURI === SOAP11_ENVELOPE && root.localName === 'Envelope'
    ? childElements(root).find((e) => e.namespaceURI === SOAP11_ENVELOPE && e.localName === 'Body')
    : undefined;
  const scope = body ?? root;
  const target = element === undefined
    ? (body ? childElements(body)[0] : root)
    : (scope.localName === element ? scope : descendants(scope).find((e) => e.localName === element));
  if (!target) return { problem: element ? `no <${element}> element in the message` : 'the SOAP Body is empty' };
  return { payload: new XMLSerializer().serializeToString(standalone(target)), namespace: target.namespaceURI ?? '' };
}

/** A copy of the element carrying every namespace declaration it inherited, so it stands on its own. */
function standalone(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  for (let node = element.parentNode; node && node.nodeType === 1; node = node.parentNode) {
    const attributes = (node as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes.item(i)!;
      const declares = attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:');
      if (declares && !copy.hasAttribute(attribute.name)) copy.setAttributeNS(XMLNS, attribute.name, attribute.value);
    }
  }
  return copy;
}

function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
}

function descendants(parent: Element): Element[] {
  return childElements(parent).flatMap((child) => [child, ...descendants(child)]);
}
