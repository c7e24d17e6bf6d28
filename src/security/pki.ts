import crypto from 'node:crypto';
import forge from 'node-forge';
import { SmtError } from '../core/errors';

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate extends CertificateAndKey {
  serialHex: string;
}

export type CertificateKind = 'server' | 'client';

export interface CertificateRequest {
  commonName: string;
  kind: CertificateKind;
  /** DNS subject alternative names; a server certificate defaults to localhost. */
  hostnames?: string[];
  /** IP subject alternative names; a server certificate defaults to 127.0.0.1. */
  ips?: string[];
  days: number;
  /** Hex; random when absent. */
  serial?: string;
  /** Start of validity; defaults to a minute ago, so a peer whose clock lags slightly still accepts it. */
  notBefore?: Date;
}

export interface CertificateInfo {
  /** SHA-256 of the DER encoding, upper-case hex without colons. */
  fingerprint256: string;
  /** Upper-case hex without leading zeros (see normalizeSerial). */
  serialHex: string;
  /** The subject's common name, or the whole subject when it has none. */
  subjectCn: string;
  issuerCn: string;
  /** ISO 8601, UTC. */
  notBefore: string;
  notAfter: string;
  isCa: boolean;
  /** Extended key usage OIDs; null when the certificate does not restrict them. */
  extendedKeyUsage: string[] | null;
}

export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
export const ANY_EXTENDED_KEY_USAGE_OID = '2.5.29.37.0';

const RSA_BITS = 2048;
const DAY_MS = 86_400_000;
const CLOCK_SKEW_MS = 60_000;

export async function createCertificateAuthority(commonName: string, years: number): Promise<CertificateAndKey> {
  const keys = await generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + years * 365 * DAY_MS);
  const name = [{ name: 'commonName', value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: toPem(forge.pki.certificateToPem(cert)), keyPem: toPem(forge.pki.privateKeyToPem(keys.privateKey)) };
}

export async function issueCertificate(ca: CertificateAndKey, request: CertificateRequest): Promise<IssuedCertificate> {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = await generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  const notBefore = request.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  cert.publicKey = keys.publicKey;
  cert.serialNumber = request.serial === undefined ? randomSerialHex() : derSerialHex(request.serial);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + request.days * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: request.commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  const server = request.kind === 'server';
  const hostnames = request.hostnames ?? (server ? ['localhost'] : []);
  const ips = request.ips ?? (server ? ['127.0.0.1'] : []);
  const altNames = [...hostnames.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: server, clientAuth: !server },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certPem = toPem(forge.pki.certificateToPem(cert));
  return { certPem, keyPem: toPem(forge.pki.privateKeyToPem(keys.privateKey)), serialHex: normalizeSerial(cert.serialNumber) };
}

/**
 * A PKCS#12 keystore holding the key, its certificate and the CA. Triple-DES with a SHA-1 MAC:
 * old, but what soapUI's Java keystore loader and every OpenSSL (no legacy provider needed) open.
 */
export function toPkcs12(certPem: string, keyPem: string, caPem: string, password: string, friendlyName?: string): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const chain = [forge.pki.certificateFromPem(certPem), forge.pki.certificateFromPem(caPem)];
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, password, { algorithm: '3des', generateLocalKeyId: true, friendlyName });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/**
 * Read with Node's X.509 parser rather than forge's: certificates from a production CA may carry
 * EC keys, which forge cannot parse.
 */
export function certificateInfo(pem: string): CertificateInfo {
  const cert = parseCertificate(pem);
  return {
    fingerprint256: fingerprintOfDer(cert.raw),
    serialHex: normalizeSerial(cert.serialNumber),
    subjectCn: commonName(cert.subject),
    issuerCn: commonName(cert.issuer),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    isCa: cert.ca,
    extendedKeyUsage: cert.keyUsage ?? null,
  };
}

export function fingerprintOfDer(der: Buffer): string {
  return crypto.createHash('sha256').update(der).digest('hex').toUpperCase();
}

/** True when `issuer` signed `pem`: names match and the signature verifies with the issuer's key. */
export function isIssuedBy(pem: string, issuerPem: string): boolean {
  const cert = parseCertificate(pem);
  const issuer = parseCertificate(issuerPem);
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** The PEM certificate blocks of a file, in order (a bundle may hold several). */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((block) => toPem(`${block}\n`)) ?? [];
}

/**
 * One spelling per serial: tools print it with or without colons, in either case and with or
 * without leading zeros, and operators paste whichever they have.
 */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) {
    throw new SmtError('INPUT_INVALID', `"${serial}" is not a certificate serial number: expected hexadecimal digits (colons allowed), as openssl x509 -serial prints it.`);
  }
  return hex.replace(/^0+(?=.)/, '');
}

/** Normalizes a fingerprint as Node (colons) or openssl (colons, "SHA256 Fingerprint=") prints it. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/^.*=/, '').replace(/[:\s]/g, '').toUpperCase();
}

export function parseCertificate(pem: string): crypto.X509Certificate {
  try {
    return new crypto.X509Certificate(pem);
  } catch (error) {
    throw new SmtError('INPUT_INVALID', `Not a PEM X.509 certificate (${(error as Error).message}); expected a block starting with -----BEGIN CERTIFICATE-----.`);
  }
}

/** forge writes CRLF line ends; files and stored PEMs use LF, so equal certificates are equal strings. */
function toPem(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function generateRsaKeyPair(): Promise<forge.pki.rsa.KeyPair> {
  // forge hands this to Node's native generator, so it neither blocks nor takes seconds.
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits: RSA_BITS, e: 0x10001 }, (error, keys) => (error ? reject(error) : resolve(keys)));
  });
}

/** 16 random bytes, first byte 0x10-0x7F: positive in DER and no leading zero to normalize away. */
function randomSerialHex(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0]! & 0x6f) | 0x10;
  return bytes.toString('hex').toUpperCase();
}

/** DER integers are signed: a serial whose first bit is set needs a zero byte in front. */
function derSerialHex(serial: string): string {
  let hex = normalizeSerial(serial);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return parseInt(hex.slice(0, 1), 16) >= 8 ? `00${hex}` : hex;
}

function commonName(distinguishedName: string): string {
  const cn = distinguishedName.split('\n').find((part) => part.startsWith('CN='));
  return cn ? cn.slice(3) : distinguishedName.replace(/\n/g, ', ');
}
