/**
 * sax in strict, namespace-aware mode, with only the XML entities. sax is node-soap's own parser
 * (installed with it) and ships no type declarations: the little used here is declared below.
 */

export interface SaxTag {
  name: string;
  local: string;
  uri: string;
  attributes: Record<string, { local: string; uri: string; value: string }>;
  /** The namespace bindings in scope (prefix, '' for the default, to URI). */
  ns: Record<string, string>;
}
export interface SaxParser {
  onerror: (error: Error) => void;
  onopentag: (tag: SaxTag) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  ondoctype: () => void;
  onprocessinginstruction: (pi: { name: string; body: string }) => void;
  write(text: string): SaxParser;
  close(): SaxParser;
}
interface SaxModule {
  parser(strict: boolean, options: { xmlns: boolean; strictEntities: boolean; position: boolean }): SaxParser;
}

const sax = require('sax') as SaxModule;

export function strictSaxParser(): SaxParser {
  return sax.parser(true, { xmlns: true, strictEntities: true, position: true });
}
