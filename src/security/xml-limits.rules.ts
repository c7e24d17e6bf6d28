import { SmtError } from '../core/errors';

/**
 * Counts that bound what a SOAP message can cost, checked on the raw bytes before any parser builds
 * anything. Parsing (sax in namespace mode copies the bindings in scope at every element), exclusive
 * canonicalization (xml-crypto copies the rendered prefixes for every child node) and node-soap all
 * cost elements × namespaces in scope or elements × attributes: with both capped, a message within
 * the size limit cannot cost seconds.
 */
export interface MarkupLimits {
  /** Elements in the whole message; a 50,000-ESI-ID request has about 50,020. */
  maxElements: number;
  /** Attributes on one element, namespace declarations not counted. */
  maxAttributesPerElement: number;
  /** Namespace declarations in scope at any element: its own and its ancestors'. Also caps the declarations on one element. */
  maxNamespacesInScope: number;
}

export const DEFAULT_MARKUP_LIMITS: MarkupLimits = { maxElements: 60_000, maxAttributesPerElement: 32, maxNamespacesInScope: 64 };

function exceeded(reason: string): SmtError {
  return new SmtError('XML_LIMIT_EXCEEDED', `the message is over a limit: ${reason}`);
}

/** Fed start and end tags in document order by the byte scan. */
export class MarkupCounter {
  private elements = 0;
  private inScope = 0;
  /** Namespace declarations of each open element. */
  private readonly declared: number[] = [];

  constructor(private readonly limits: MarkupLimits) {}

  /** `attributeNames`: the qualified names in the start tag, namespace declarations included. */
  start(attributeNames: readonly string[], selfClosing: boolean): void {
    if (++this.elements > this.limits.maxElements) throw exceeded(`more than ${this.limits.maxElements} elements`);
    let namespaces = 0;
    for (const name of attributeNames) if (name === 'xmlns' || name.startsWith('xmlns:')) namespaces++;
    const attributes = attributeNames.length - namespaces;
    if (attributes > this.limits.maxAttributesPerElement) {
      throw exceeded(`an element has ${attributes} attributes; at most ${this.limits.maxAttributesPerElement} are allowed`);
    }
    this.inScope += namespaces;
    if (this.inScope > this.limits.maxNamespacesInScope) {
      throw exceeded(`an element has ${this.inScope} namespace declarations in scope (its own and its ancestors'); at most ${this.limits.maxNamespacesInScope} are allowed`);
    }
    if (selfClosing) this.inScope -= namespaces;
    else this.declared.push(namespaces);
  }

  end(): void {
    this.inScope -= this.declared.pop() ?? 0;
  }
}
