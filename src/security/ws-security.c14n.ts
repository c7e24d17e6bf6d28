import { ExclusiveCanonicalization, type NamespacePrefix } from 'xml-crypto';

/**
 * Exclusive XML Canonicalization 1.0 (http://www.w3.org/2001/10/xml-exc-c14n#) with the order the
 * specification (by way of C14N 1.0, section 2.2) prescribes, which xml-crypto 6 gets wrong in two
 * places and so refuses messages xmlsec1/libxmlsec, Java and .NET signers produce:
 * - attributes: those without a namespace first, then by namespace URI, then by local name.
 *   xml-crypto compares `namespaceURI + localName` as one string, so `urn:x-` + `a` sorts before
 *   `urn:x` + `a` (`-` < `a`) although `urn:x` < `urn:x-`;
 * - namespace declarations: by prefix, code point by code point. xml-crypto uses localeCompare,
 *   which puts `a` before `B`.
 * Both compare UCS code points, not UTF-16 code units (a character above U+FFFF sorts after U+FFFF).
 * The verifier and the signer both canonicalize with this class, so what the platform signs is what
 * a standard verifier computes, and the other way round.
 */
export class ExclusiveC14n extends ExclusiveCanonicalization {
  // xml-crypto calls both as bare functions (`list.sort(this.attrCompare)`): they must not use `this`.
  override attrCompare(a: Attr, b: Attr): 1 | 0 | -1 {
    const byNamespace = compareCodePoints(a.namespaceURI ?? '', b.namespaceURI ?? '');
    return byNamespace !== 0 ? byNamespace : compareCodePoints(a.localName ?? a.name, b.localName ?? b.name);
  }

  override nsCompare(a: NamespacePrefix, b: NamespacePrefix): 1 | 0 | -1 {
    return compareCodePoints(a.prefix, b.prefix);
  }
}

/** Lexicographic order of two strings by Unicode code point (JavaScript's `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): 1 | 0 | -1 {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/** Surrogates (characters above U+FFFF) rank after U+E000–U+FFFF; every other unit keeps its order. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
