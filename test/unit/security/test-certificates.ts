import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** Just enough PKI for the signature tests: a CA and certificates it issues (node-forge). */
export interface TestIdentity {
  certificatePem: string;
  privateKeyPem: string;
}

interface Issuer {
  certificate: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function keyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privateKeyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  return { publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privateKey: forgeKey, privateKeyPem };
}

function build(commonName: string, issuer: Issuer | null, validity: { from: Date; to: Date }) {
  const keys = keyPair();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  certificate.validity.notBefore = validity.from;
  certificate.validity.notAfter = validity.to;
  const subject = [{ name: 'commonName', value: commonName }];
  certificate.setSubject(subject);
  certificate.setIssuer(issuer ? issuer.certificate.subject.attributes : subject);
  certificate.setExtensions(issuer ? [{ name: 'basicConstraints', cA: false }] : [{ name: 'basicConstraints', cA: true }]);
  certificate.sign(issuer ? issuer.key : keys.privateKey, forge.md.sha256.create());
  return { certificate, key: keys.privateKey, identity: { certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem: keys.privateKeyPem } };
}

const DAY = 86_400_000;

export class TestCa {
  private readonly issuer: Issuer;
  readonly certificatePem: string;

  constructor(name = 'Test CA') {
    const built = build(name, null, { from: new Date(Date.now() - DAY), to: new Date(Date.now() + 365 * DAY) });
    this.issuer = built;
    this.certificatePem = built.identity.certificatePem;
  }

  issue(commonName: string, validity = { from: new Date(Date.now() - DAY), to: new Date(Date.now() + 30 * DAY) }): TestIdentity {
    return build(commonName, this.issuer, validity).identity;
  }
}
