import { SmtError } from '../core/errors';
import type { SaxTag } from './sax-parser';
import { DSIG_NS, WSU_NS, XMLNS_NS } from './ws-security.xml';

/**
 * The platform's services are document/literal: SOAP encoding (SOAP 1.1 section 5) has no place in
 * their messages, and node-soap still acts on part of it. It copies the element an `href` points to
 * into every referring element, on the main thread, at a cost of references × size (2,500 references
 * to one element of 2,500 children took seconds and hundreds of MB), and it looks schemas up by
 * xsi:type. The only ids a signed request needs are wsu:Id (Body, Timestamp, token) and the
 * unqualified Id XML-DSig defines on its own elements.
 */
const SOAP_ENCODING_NAMESPACES = new Set(['http://schemas.xmlsoap.org/soap/encoding/', 'http://www.w3.org/2003/05/soap-encoding']);
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const ENCODING_ATTRIBUTES = new Set(['encodingstyle', 'arraytype']);

function forbidden(reason: string): SmtError {
  return new SmtError('SOAP_ENCODING_FORBIDDEN', `SOAP encoding is not accepted (the services are document/literal): ${reason}`);
}

function shown(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

export function checkNoSoapEncoding(tag: SaxTag): void {
  if (SOAP_ENCODING_NAMESPACES.has(tag.uri)) throw forbidden(`element ${shown(tag.local)} is in the SOAP encoding namespace`);
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.uri === XMLNS_NS) continue;
    const local = attribute.local.toLowerCase();
    if (local === 'href') throw forbidden(`href references are refused (found on ${shown(tag.local)})`);
    if (local === 'id' && !allowedId(tag, attribute)) {
      throw forbidden(`id attributes other than wsu:Id are refused (found on ${shown(tag.local)})`);
    }
    if (SOAP_ENCODING_NAMESPACES.has(attribute.uri) || ENCODING_ATTRIBUTES.has(local)) {
      throw forbidden(`attribute ${shown(attribute.local)} is refused (found on ${shown(tag.local)})`);
    }
    if (attribute.uri === XSI_NS && attribute.local === 'type' && SOAP_ENCODING_NAMESPACES.has(typeNamespace(tag, attribute.value))) {
      throw forbidden(`xsi:type ${shown(attribute.value)} names a SOAP encoding type`);
    }
  }
}

function allowedId(tag: SaxTag, attribute: { local: string; uri: string }): boolean {
  if (attribute.local !== 'Id') return false;
  return attribute.uri === WSU_NS || (attribute.uri === '' && tag.uri === DSIG_NS);
}

function typeNamespace(tag: SaxTag, qname: string): string {
  const colon = qname.indexOf(':');
  return tag.ns[colon === -1 ? '' : qname.slice(0, colon).trim()] ?? '';
}
