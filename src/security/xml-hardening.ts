import { SmtError } from '../core/errors';
import { strictSaxParser, type SaxTag } from './sax-parser';
import { checkNoSoapEncoding } from './soap-encoding.rules';
import { SOAP11_NS } from './ws-security.xml';
import { DEFAULT_MARKUP_LIMITS, MarkupCounter, type MarkupLimits } from './xml-limits.rules';

/**
 * Cheap checks on a SOAP request's raw bytes before any DOM parser sees them. xmldom (used by
 * xml-crypto) is lenient: it ignores DTDs, keeps the first of two roots and repairs broken nesting,
 * and node-soap matches elements by local name only. Whatever this accepts, both parse the same way.
 * The counts of xml-limits.rules are checked on the bytes before sax sees them, and SOAP encoding
 * (href/id references, encoded arrays) is refused: what passes costs time in proportion to its size.
 */
export interface EnvelopeLimits extends Partial<MarkupLimits> {
  maxBytes: number;
  maxDepth: number;
}

const [LT, GT, SLASH, BANG, QUESTION] = [0x3c, 0x3e, 0x2f, 0x21, 0x3f];
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function checkSoapEnvelope(raw: Buffer, limits: EnvelopeLimits): void {
  if (raw.length > limits.maxBytes) {
    throw new SmtError('BODY_TOO_LARGE', `request body is ${raw.length} bytes; the limit is ${limits.maxBytes}`);
  }
  checkEncoding(raw);
  rejectDtd(raw);
  scanMarkup(raw, limits.maxDepth, new MarkupCounter({ ...DEFAULT_MARKUP_LIMITS, ...definedLimits(limits) }));
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw malformed('the body is not valid UTF-8');
  }
  checkStructure(text, limits.maxDepth);
}

function malformed(reason: string): SmtError {
  return new SmtError('XML_MALFORMED', `malformed SOAP message: ${reason}`);
}

/** Names taken from the input, cut short so an error never echoes a large part of it. */
function shown(name: string): string {
  return name.length > 60 ? `${name.slice(0, 60)}...` : name;
}

function checkEncoding(raw: Buffer): void {
  const utf16 = raw.length >= 2 && ((raw[0] === 0xfe && raw[1] === 0xff) || (raw[0] === 0xff && raw[1] === 0xfe));
  if (utf16 || raw.includes(0)) throw malformed('the body must be UTF-8 encoded');
}

function rejectDtd(raw: Buffer): void {
  for (let at = raw.indexOf('<!'); at !== -1; at = raw.indexOf('<!', at + 2)) {
    const word = raw.toString('latin1', at + 2, at + 9).toUpperCase();
    if (word === 'DOCTYPE' || word.startsWith('ENTITY')) {
      throw new SmtError('XML_DTD_FORBIDDEN', 'DOCTYPE and ENTITY declarations are not allowed in SOAP messages');
    }
  }
}

function definedLimits(limits: EnvelopeLimits): Partial<MarkupLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

/** One pass over the bytes: element depth and counts, and attributes given twice in one start tag. */
function scanMarkup(raw: Buffer, maxDepth: number, counter: MarkupCounter): void {
  let depth = 0;
  let at = raw.indexOf(LT);
  while (at !== -1) {
    const next = raw[at + 1];
    let end: number;
    if (next === BANG) {
      end = skipDeclaration(raw, at);
    } else if (next === QUESTION) {
      end = closing(raw, '?>', at + 2);
    } else if (next === SLASH) {
      end = raw.indexOf(GT, at);
      depth--;
      counter.end();
    } else {
      end = startTagEnd(raw, at);
      if (++depth > maxDepth) throw new SmtError('XML_TOO_DEEP', `elements are nested deeper than ${maxDepth} levels`);
      const selfClosing = raw[end - 1] === SLASH;
      if (selfClosing) depth--;
      counter.start(attributeNames(raw.toString('latin1', at, end)), selfClosing);
    }
    if (end <= 0) throw malformed('unterminated markup');
    at = raw.indexOf(LT, end + 1);
  }
}

function skipDeclaration(raw: Buffer, at: number): number {
  if (raw.toString('latin1', at, at + 4) === '<!--') return closing(raw, '-->', at + 4);
  if (raw.toString('latin1', at, at + 9) === '<![CDATA[') return closing(raw, ']]>', at + 9);
  return raw.indexOf(GT, at);
}

/** Index of the last byte of `token` at or after `from`, or -1. */
function closing(raw: Buffer, token: string, from: number): number {
  const found = raw.indexOf(token, from);
  return found === -1 ? -1 : found + token.length - 1;
}

/** Index of the `>` closing a start tag, skipping quoted attribute values. */
function startTagEnd(raw: Buffer, at: number): number {
  let quote = 0;
  for (let i = at + 1; i < raw.length; i++) {
    const c = raw[i];
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === GT) {
      return i;
    }
  }
  return -1;
}

const ATTRIBUTE = /\s([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')/g;

/** The attribute names of a start tag. sax keeps the first of two equal attributes silently, xmldom another: refuse the ambiguity. */
function attributeNames(tag: string): string[] {
  if (!tag.includes('=')) return [];
  const names = new Set<string>();
  for (const match of tag.matchAll(ATTRIBUTE)) {
    if (names.has(match[1])) throw malformed(`attribute ${shown(match[1])} appears twice in one element`);
    names.add(match[1]);
  }
  return [...names];
}

function checkStructure(text: string, maxDepth: number): void {
  const parser = strictSaxParser();
  let depth = 0;
  let rootSeen = false;
  let headers = 0;
  let bodies = 0;
  parser.onerror = (error) => {
    throw malformed(error.message.split('\n')[0]);
  };
  parser.ondoctype = () => {
    throw new SmtError('XML_DTD_FORBIDDEN', 'DOCTYPE and ENTITY declarations are not allowed in SOAP messages');
  };
  parser.onprocessinginstruction = (pi) => {
    if (pi.name !== 'xml' || rootSeen) throw malformed('processing instructions are not allowed');
    const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(pi.body)?.[1];
    if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8') throw malformed('the declared encoding must be UTF-8');
  };
  parser.onopentag = (tag) => {
    depth++;
    if (depth > maxDepth) throw new SmtError('XML_TOO_DEEP', `elements are nested deeper than ${maxDepth} levels`);
    checkExpandedAttributeNames(tag);
    checkNoSoapEncoding(tag);
    const isSoap = tag.uri === SOAP11_NS;
    if (depth === 1) {
      if (rootSeen) throw malformed('the document has more than one root element');
      rootSeen = true;
      if (!isSoap || tag.local !== 'Envelope') {
        throw malformed(`the root element must be Envelope in the SOAP 1.1 namespace, not ${expanded(tag)}`);
      }
    } else if (depth === 2) {
      if (isSoap && tag.local === 'Header' && headers === 0 && bodies === 0) headers++;
      else if (isSoap && tag.local === 'Body' && bodies === 0) bodies++;
      else throw malformed(`the Envelope may hold one Header followed by one Body; found ${expanded(tag)}`);
    } else if (isSoap && (tag.local === 'Envelope' || tag.local === 'Header' || tag.local === 'Body')) {
      throw malformed(`a SOAP ${tag.local} element is nested inside the message`);
    }
  };
  parser.onclosetag = () => void depth--;
  parser.ontext = (chunk) => {
    if (depth === 1 && chunk.trim() !== '') throw malformed('the Envelope holds text outside Header and Body');
  };
  parser.oncdata = () => {
    if (depth === 1) throw malformed('the Envelope holds text outside Header and Body');
  };
  parser.write(text).close();
  if (bodies !== 1) throw malformed('the Envelope has no Body');
}

function expanded(tag: SaxTag): string {
  return `${shown(tag.local)} in ${tag.uri ? `namespace ${shown(tag.uri)}` : 'no namespace'}`;
}

function checkExpandedAttributeNames(tag: SaxTag): void {
  const names = new Set<string>();
  for (const attribute of Object.values(tag.attributes)) {
    const name = `{${attribute.uri}}${attribute.local}`;
    if (names.has(name)) throw malformed(`attribute ${shown(attribute.local)} appears twice in one element`);
    names.add(name);
  }
}
