import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { NamespacePrefix } from 'xml-crypto';
import { errorMessage } from '../core/errors';
import { ExclusiveC14n } from './ws-security.c14n';
import type { SignatureParts } from './ws-security.signature';
import { DSIG_NS, RSA_SHA1, SHA1, signatureInvalid } from './ws-security.xml';

/**
 * XML-DSig core validation on the document the verifier already parsed and checked, with
 * xml-crypto's exclusive canonicalization (in the specification's attribute and namespace order:
 * ws-security.c14n.ts) fed exactly what xml-crypto's SignedXml feeds it
 * (`validateReference`, `getCanonSignedInfoXml`, `canonicalize`), so digests and the signed bytes are
 * the ones xml-crypto (and node-soap, which signs with it) computes. Re-parsing the raw XML and
 * resolving references by XPath, as `checkSignature` does, cost most of the verification time.
 */

/** SignedXml.defaultNsForPrefix: what xml-crypto's canonicalization assumes for an unbound `ds:` prefix. */
const DEFAULT_NS_FOR_PREFIX: Record<string, string> = { ds: DSIG_NS };

/** Checks each Reference's DigestValue against its target (`targets[i]` for `parts.references[i]`). */
export function checkReferenceDigests(parts: SignatureParts, targets: Element[], signature: Element): void {
  parts.references.forEach((reference, i) => {
    const target = reference.enveloped && below(signature, targets[i]) ? copyWithout(targets[i], signature) : targets[i];
    const canonical = canonicalize(target, () =>
      new ExclusiveC14n().process(target, {
        inclusiveNamespacesPrefixList: reference.inclusivePrefixes,
        ancestorNamespaces: ancestorNamespaces(targets[i]),
        defaultNsForPrefix: DEFAULT_NS_FOR_PREFIX,
      }),
    );
    const digest = createHash(reference.digestMethod === SHA1 ? 'sha1' : 'sha256').update(canonical, 'utf8').digest();
    if (!sameBytes(digest, Buffer.from(reference.digestValue, 'base64'))) {
      throw signatureInvalid('a signed element was changed after signing (digest mismatch)');
    }
  });
}

/** Checks SignatureValue over the canonical SignedInfo with the registered certificate's key. */
export function checkSignatureValue(parts: SignatureParts, publicKey: KeyObject): void {
  const signedInfo = parts.signedInfo;
  // No PrefixList given: the canonicalization reads SignedInfo's CanonicalizationMethod/InclusiveNamespaces.
  const canonical = canonicalize(signedInfo, () =>
    new ExclusiveC14n().process(signedInfo, {
      ancestorNamespaces: ancestorNamespaces(signedInfo),
      defaultNsForPrefix: DEFAULT_NS_FOR_PREFIX,
    }),
  );
  let valid: boolean;
  try {
    const hash = parts.signatureMethod === RSA_SHA1 ? 'sha1' : 'sha256';
    valid = verify(hash, Buffer.from(canonical, 'utf8'), publicKey, Buffer.from(parts.signatureValue, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw signatureInvalid('the SignatureValue does not match SignedInfo');
}

/**
 * Runs an exc-c14n of `element` in place. The canonicalization declares on the element it is given
 * the ancestor namespaces its PrefixList names (xml-crypto hands it a deep copy, which costs more than
 * the canonicalization on a large Body): those attributes are taken off again, since later references
 * and SignedInfo read the same document.
 */
function canonicalize(element: Element, run: () => string): string {
  const original = Array.from(element.attributes);
  try {
    return run();
  } catch (error) {
    throw signatureInvalid(`cannot canonicalize: ${errorMessage(error).slice(0, 120)}`);
  } finally {
    for (const attribute of original) {
      if (!Array.from(element.attributes).includes(attribute)) element.setAttributeNode(attribute);
    }
    for (const attribute of Array.from(element.attributes)) {
      if (!original.includes(attribute)) element.removeAttributeNode(attribute);
    }
  }
}

function below(node: Node, ancestor: Node): boolean {
  for (let parent = node.parentNode; parent !== null; parent = parent.parentNode) if (parent === ancestor) return true;
  return false;
}

/** The enveloped-signature transform: a deep copy of `target` without `signature`, which is below it. */
function copyWithout(target: Element, signature: Element): Element {
  const path: number[] = [];
  for (let node: Node = signature; node !== target; node = node.parentNode!) {
    path.push(Array.prototype.indexOf.call(node.parentNode!.childNodes, node) as number);
  }
  const copy = target.cloneNode(true) as Element;
  const inCopy = path.reverse().reduce<Node>((at, index) => at.childNodes[index], copy);
  inCopy.parentNode!.removeChild(inCopy);
  return copy;
}

/**
 * The namespace declarations in scope on `node`'s ancestors, nearest first, without the prefixes
 * `node` declares or uses itself and without undeclarations: xml-crypto's `findAncestorNsForElement`
 * (lib/utils.js), which its signer uses too, including its reading of any attribute whose name
 * starts with `xmlns`.
 */
export function ancestorNamespaces(node: Element): NamespacePrefix[] {
  const own = new Set<string>([node.prefix || '']);
  for (let i = 0; i < node.attributes.length; i++) {
    const name = node.attributes[i].nodeName;
    if (name === 'xmlns' || name.startsWith('xmlns:')) own.add(name.replace(/^xmlns:?/, ''));
  }
  const seen = new Set<string>();
  const found: NamespacePrefix[] = [];
  for (let parent = node.parentNode; parent !== null && parent.nodeType === 1; parent = parent.parentNode) {
    const attributes = (parent as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const name = attributes[i].nodeName;
      if (!name.startsWith('xmlns')) continue;
      const prefix = name.replace(/^xmlns:?/, '');
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      const namespaceURI = attributes[i].nodeValue || '';
      if (namespaceURI !== '' && !own.has(prefix)) found.push({ prefix, namespaceURI });
    }
  }
  return found;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
