import { SmtError } from '../core/errors';
import {
  DSIG_NS,
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  RSA_SHA1,
  RSA_SHA256,
  SHA1,
  SHA256,
  WSSE_NS,
  X509V3_TOKEN,
  childElements,
  isElement,
  signatureInvalid,
} from './ws-security.xml';

/**
 * Reads a ds:Signature whose whole shape is known in advance. xml-crypto finds its parts with
 * `.//*[local-name()=...]` look-ups, so an unexpected element anywhere inside the Signature could
 * change what it reads; here nothing unexpected is allowed, and every algorithm is on a short list.
 */
export interface SignatureParts {
  /** The ids the References point to (`URI="#id"`), in document order. */
  referencedIds: string[];
  /** The References, in document order (`references[i].id === referencedIds[i]`). */
  references: SignedReference[];
  /** The SignedInfo element, as it is in the document. */
  signedInfo: Element;
  /** RSA_SHA256, or RSA_SHA1 when allowed. */
  signatureMethod: string;
  /** SignatureValue as xml-crypto reads it. */
  signatureValue: string;
  /** The id of the BinarySecurityToken that KeyInfo's SecurityTokenReference points to. */
  tokenId: string;
}

export interface SignedReference {
  id: string;
  /** Whether an enveloped-signature transform precedes the final exc-c14n. */
  enveloped: boolean;
  /** The PrefixList of the final exc-c14n transform, split as xml-crypto splits it. */
  inclusivePrefixes: string[];
  /** SHA256, or SHA1 when allowed. */
  digestMethod: string;
  digestValue: string;
}

const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ID_URI = /^#([A-Za-z_][A-Za-z0-9_.-]{0,127})$/;

function refused(what: string, algorithm: string | null): SmtError {
  return new SmtError('WSS_ALGORITHM_REFUSED', `WS-Security ${what} ${(algorithm ?? 'none').slice(0, 80)} is not accepted`);
}

/** The element children of `parent`, which must be exactly `names` in this order (ds namespace). */
function expectChildren(parent: Element, names: string[]): Element[] {
  const children = childElements(parent);
  const ok = children.length === names.length && children.every((child, i) => isElement(child, DSIG_NS, names[i]));
  if (!ok) throw signatureInvalid(`${parent.localName} must hold ${names.join(', ')} only`);
  return children;
}

function onlyText(element: Element): string {
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== 3) throw signatureInvalid(`${element.localName} must hold text only`);
  }
  return element.textContent ?? '';
}

/** exc-c14n may carry an InclusiveNamespaces list and nothing else. */
function checkC14nParameters(method: Element): void {
  for (const child of childElements(method)) {
    if (!isElement(child, EXC_C14N_NS, 'InclusiveNamespaces') || childElements(child).length > 0) {
      throw signatureInvalid(`${method.localName} holds an unexpected element`);
    }
  }
}

export function readSignature(signature: Element, allowSha1: boolean): SignatureParts {
  const [signedInfo, signatureValue, keyInfo] = expectChildren(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo']);
  const infoChildren = childElements(signedInfo);
  const references = infoChildren.slice(2);
  expectChildren(signedInfo, ['CanonicalizationMethod', 'SignatureMethod', ...references.map(() => 'Reference')]);
  const [c14n, method] = infoChildren;
  if (c14n.getAttribute('Algorithm') !== EXC_C14N) throw refused('canonicalization', c14n.getAttribute('Algorithm'));
  checkC14nParameters(c14n);
  const signatureMethods = allowSha1 ? [RSA_SHA256, RSA_SHA1] : [RSA_SHA256];
  if (!signatureMethods.includes(method.getAttribute('Algorithm') ?? '') || childElements(method).length > 0) {
    throw refused('signature method', method.getAttribute('Algorithm'));
  }
  const digests = allowSha1 ? [SHA256, SHA1] : [SHA256];
  const value = onlyText(signatureValue);
  if (!/^[A-Za-z0-9+/=\s]+$/.test(value)) throw signatureInvalid('SignatureValue is not base64');
  const read = references.map((reference) => readReference(reference, digests));
  return {
    referencedIds: read.map((reference) => reference.id),
    references: read,
    signedInfo,
    signatureMethod: method.getAttribute('Algorithm')!,
    signatureValue: value,
    tokenId: readKeyInfo(keyInfo),
  };
}

function readReference(reference: Element, digests: string[]): SignedReference {
  const uri = ID_URI.exec(reference.getAttribute('URI') ?? '');
  if (!uri) throw signatureInvalid('every Reference must point to an element by #id');
  const [transforms, digestMethod, digestValue] = expectChildren(reference, ['Transforms', 'DigestMethod', 'DigestValue']);
  const transformList = childElements(transforms);
  const algorithms = transformList.map((transform) => {
    if (!isElement(transform, DSIG_NS, 'Transform')) throw signatureInvalid('Transforms must hold Transform elements only');
    checkC14nParameters(transform);
    return transform.getAttribute('Algorithm');
  });
  for (const algorithm of algorithms) {
    if (algorithm !== EXC_C14N && algorithm !== ENVELOPED_SIGNATURE) throw refused('transform', algorithm);
  }
  // xml-crypto appends inclusive c14n after a list that does not end with a canonicalization.
  if (algorithms[algorithms.length - 1] !== EXC_C14N) throw refused('last transform', algorithms[algorithms.length - 1] ?? null);
  // A canonicalization before the last one would hand octets to the next transform, which would
  // re-parse them: real clients never do that, and the verifier does not implement it.
  if (algorithms.indexOf(EXC_C14N) !== algorithms.length - 1) {
    throw new SmtError('WSS_ALGORITHM_REFUSED', 'WS-Security transforms must be exc-c14n, optionally after enveloped-signature');
  }
  const digest = digestMethod.getAttribute('Algorithm') ?? '';
  if (!digests.includes(digest) || childElements(digestMethod).length > 0) throw refused('digest method', digest);
  return {
    id: uri[1],
    enveloped: algorithms.includes(ENVELOPED_SIGNATURE),
    inclusivePrefixes: prefixList(transformList[transformList.length - 1]),
    digestMethod: digest,
    digestValue: onlyText(digestValue),
  };
}

/** Every InclusiveNamespaces PrefixList of a transform, the way xml-crypto's loadReference reads them. */
function prefixList(transform: Element): string[] {
  return childElements(transform)
    .flatMap((inclusive) => (inclusive.getAttribute('PrefixList') ?? '').split(' '))
    .filter((prefix) => prefix.length > 0);
}

function readKeyInfo(keyInfo: Element): string {
  const tokenReference = childElements(keyInfo);
  if (tokenReference.length !== 1 || !isElement(tokenReference[0], WSSE_NS, 'SecurityTokenReference')) {
    throw signatureInvalid('KeyInfo must hold one wsse:SecurityTokenReference');
  }
  const reference = childElements(tokenReference[0]);
  if (reference.length !== 1 || !isElement(reference[0], WSSE_NS, 'Reference') || childElements(reference[0]).length > 0) {
    throw signatureInvalid('the SecurityTokenReference must hold one wsse:Reference to a BinarySecurityToken');
  }
  const valueType = reference[0].getAttribute('ValueType');
  if (valueType && valueType !== X509V3_TOKEN) throw signatureInvalid('the SecurityTokenReference must point to an X.509 v3 token');
  const uri = ID_URI.exec(reference[0].getAttribute('URI') ?? '');
  if (!uri) throw signatureInvalid('the SecurityTokenReference must point to the token by #id');
  return uri[1];
}
