import { SOAP11_NS, childElements, parseXml } from '../security/ws-security.xml';

/** A message as plain data: key order is element order; arrays repeat an element; undefined and null are left out. */
export type MessageValue = string | number | boolean | Date | MessageValue[] | { [name: string]: MessageValue | undefined | null };
export type Message = { [name: string]: MessageValue | undefined | null };

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A document/literal SOAP 1.1 request: one element named after the operation, in the contract's namespace. */
export function requestEnvelope(namespace: string, operation: string, message: Message): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body>`
    + `<${operation} xmlns="${escape(namespace)}">${elements(message)}</${operation}></soap:Body></soap:Envelope>`;
}

function elements(message: Message): string {
  let out = '';
  for (const [name, value] of Object.entries(message)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) out += `<${name}>${content(item)}</${name}>`;
  }
  return out;
}

function content(value: MessageValue): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return elements(value as Message);
  return escape(String(value));
}

/** What came back: the response element's children as text (repeated ones as arrays), or a fault. */
export type SoapReply =
  | { kind: 'answer'; operation: string; fields: Record<string, string | string[]> }
  | { kind: 'fault'; faultcode: string; faultstring: string; code: string | null; message: string | null };

/** Reads a response envelope; null when it is not a SOAP 1.1 envelope with a Body. */
export function readReply(xml: string): SoapReply | null {
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch {
    return null;
  }
  const envelope = doc.documentElement;
  const body = envelope ? childElements(envelope, SOAP11_NS, 'Body')[0] : undefined;
  const payload = body ? childElements(body)[0] : undefined;
  if (!payload) return null;
  if (payload.namespaceURI === SOAP11_NS && payload.localName === 'Fault') {
    const child = (parent: Element | undefined, name: string) => (parent ? childElements(parent).find((e) => e.localName === name) : undefined);
    const smtFault = child(child(payload, 'detail'), 'smtFault');
    const code = child(smtFault, 'code');
    const message = child(smtFault, 'message');
    return {
      kind: 'fault', faultcode: text(child(payload, 'faultcode')).trim(), faultstring: text(child(payload, 'faultstring')),
      code: code ? text(code) : null, message: message ? text(message) : null,
    };
  }
  const fields: Record<string, string | string[]> = {};
  for (const child of childElements(payload)) {
    const name = child.localName!;
    const value = text(child);
    const seen = fields[name];
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return { kind: 'answer', operation: payload.localName!, fields };
}

function text(element: Element | undefined): string {
  return element?.textContent ?? '';
}
