import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { developmentPkiPaths, ensureDevelopmentPki } from '../../../src/security/dev-pki';
import { normalizeIp, normalizeIpList } from '../../../src/security/ip-address';
import {
  certificateInfo, createCertificateAuthority, fingerprintOfDer, isIssuedBy, issueCertificate, normalizeFingerprint, normalizeSerial,
  toPkcs12, type CertificateAndKey, type IssuedCertificate,
} from '../../../src/security/pki';
import { runTool } from '../../support/run-tool';

const openssl = async (...args: string[]) => (await runTool('openssl', args)).toString();

describe('security/pki', () => {
  let work: string;
  let ca: CertificateAndKey;
  let otherCa: CertificateAndKey;
  let server: IssuedCertificate;
  let client: IssuedCertificate;
  const file = (name: string, content: string | Buffer) => {
    const target = path.join(work, name);
    fs.writeFileSync(target, content);
    return target;
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-pki-'));
    [ca, otherCa] = await Promise.all([createCertificateAuthority('Test CA', 10), createCertificateAuthority('Other CA', 1)]);
    [server, client] = await Promise.all([
      issueCertificate(ca, { commonName: 'localhost', kind: 'server', days: 730 }),
      issueCertificate(ca, { commonName: 'rep1.example.com', kind: 'client', days: 30, serial: 'F00D' }),
    ]);
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('issues server and client certificates that openssl verifies against the CA, and not against another CA', async () => {
    const caFile = file('ca.crt', ca.certPem);
    const out = await openssl('verify', '-CAfile', caFile, file('server.crt', server.certPem), file('client.crt', client.certPem));
    expect(out).to.contain('server.crt: OK').and.to.contain('client.crt: OK');
    const purposes = await openssl('verify', '-CAfile', caFile, '-purpose', 'sslclient', path.join(work, 'client.crt'));
    expect(purposes).to.contain('client.crt: OK');
    const wrong = await openssl('verify', '-CAfile', file('other.crt', otherCa.certPem), path.join(work, 'client.crt')).then(() => 'verified', (e: Error) => e.message);
    expect(wrong).to.contain('unable to get local issuer certificate');
    expect(isIssuedBy(client.certPem, ca.certPem)).to.equal(true);
    expect(isIssuedBy(client.certPem, otherCa.certPem)).to.equal(false);
  });

  it('writes the extensions TLS stacks check: CA flags, key usages, SANs and key identifiers, signed with SHA-256', async () => {
    const caText = await openssl('x509', '-in', file('ca2.crt', ca.certPem), '-noout', '-text');
    expect(caText).to.match(/Basic Constraints: critical\s+CA:TRUE/).and.to.match(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const serverText = await openssl('x509', '-in', file('server2.crt', server.certPem), '-noout', '-text');
    expect(serverText).to.contain('sha256WithRSAEncryption').and.to.contain('Public-Key: (2048 bit)');
    expect(serverText).to.match(/Basic Constraints: critical\s+CA:FALSE/).and.to.match(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(serverText).to.match(/Extended Key Usage: \s*TLS Web Server Authentication\n/);
    expect(serverText).to.match(/Subject Alternative Name: \s*DNS:localhost, IP Address:127.0.0.1/);
    expect(serverText).to.contain('Subject Key Identifier').and.to.contain('Authority Key Identifier');
    const clientText = await openssl('x509', '-in', file('client2.crt', client.certPem), '-noout', '-text');
    expect(clientText).to.match(/Extended Key Usage: \s*TLS Web Client Authentication\n/);
    expect(clientText).to.not.contain('Subject Alternative Name');
  });

  it('reports fingerprint, serial, names and validity as openssl prints them', async () => {
    const info = certificateInfo(client.certPem);
    const printed = await openssl('x509', '-in', file('client3.crt', client.certPem), '-noout', '-serial', '-fingerprint', '-sha256', '-enddate');
    expect(printed).to.contain(`serial=${info.serialHex}`);
    expect(info.serialHex).to.equal('F00D').and.to.equal(client.serialHex);
    expect(normalizeFingerprint(/sha256 Fingerprint=(.*)/i.exec(printed)![1]!)).to.equal(info.fingerprint256);
    expect(info.fingerprint256).to.match(/^[0-9A-F]{64}$/);
    expect(fingerprintOfDer(new crypto.X509Certificate(client.certPem).raw)).to.equal(info.fingerprint256);
    expect(info).to.include({ subjectCn: 'rep1.example.com', issuerCn: 'Test CA', isCa: false });
    const days = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000;
    expect(days).to.equal(30);
    expect(Date.parse(info.notBefore)).to.be.below(Date.now()).and.above(Date.now() - 5 * 60_000);
    expect(certificateInfo(ca.certPem)).to.include({ isCa: true, subjectCn: 'Test CA', issuerCn: 'Test CA' });
    expect(certificateInfo(ca.certPem).serialHex).to.match(/^[1-7][0-9A-F]{31}$/);
  });

  it('writes a PKCS#12 keystore that openssl opens with the password, holding the key, the certificate and the CA', async () => {
    const p12 = file('client.p12', toPkcs12(client.certPem, client.keyPem, ca.certPem, 's3cret pass', 'rep1'));
    const info = await openssl('pkcs12', '-info', '-nokeys', '-in', p12, '-passin', 'pass:s3cret pass');
    expect(info).to.contain('subject=CN = rep1.example.com').and.to.contain('subject=CN = Test CA');
    expect(info).to.contain('friendlyName: rep1');
    const key = await openssl('pkcs12', '-in', p12, '-nocerts', '-nodes', '-passin', 'pass:s3cret pass');
    const extracted = crypto.createPublicKey(crypto.createPrivateKey(key.slice(key.indexOf('-----BEGIN'))));
    const expected = new crypto.X509Certificate(client.certPem).publicKey;
    expect(extracted.export({ format: 'der', type: 'spki' }).equals(expected.export({ format: 'der', type: 'spki' }))).to.equal(true);
    const refused = await openssl('pkcs12', '-info', '-nokeys', '-in', p12, '-passin', 'pass:wrong').then(() => 'opened', (e: Error) => e.message);
    expect(refused).to.match(/mac verify (error|failure)/i);
  });

  it('normalizes serials, fingerprints and IP addresses to one spelling', () => {
    expect(normalizeSerial('00:f0:0d')).to.equal('F00D');
    expect(normalizeSerial('0')).to.equal('0');
    expect(() => normalizeSerial('not-hex')).to.throw('not a certificate serial number');
    expect(normalizeFingerprint('sha256 Fingerprint=ab:cd')).to.equal('ABCD');
    expect(['::ffff:127.0.0.1', '2001:DB8:0:0:0:0:0:10', '10.0.0.1'].map(normalizeIp)).to.deep.equal(['127.0.0.1', '2001:db8::10', '10.0.0.1']);
    expect(['10.0.0.0/8', 'localhost', '1.2.3'].map(normalizeIp)).to.deep.equal([null, null, null]);
    expect(normalizeIpList(['10.0.0.2', '10.0.0.1', '::ffff:10.0.0.1'])).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    expect(() => normalizeIpList(['10.0.0.1', 'rep.example.com'])).to.throw('Not an IP address: "rep.example.com"');
  });

  describe('development PKI', () => {
    it('creates the CA and a localhost server certificate once, keys readable by the owner only, and loads them afterwards', async () => {
      const dataDir = path.join(work, 'data');
      const first = await ensureDevelopmentPki(dataDir);
      const paths = developmentPkiPaths(dataDir);
      expect(first.created).to.equal(true);
      expect(first).to.include(paths);
      for (const key of [paths.caKeyPath, paths.serverKeyPath]) expect(fs.statSync(key).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(paths.caCertPath, 'utf8')).to.equal(first.ca.certPem);
      const verified = await openssl('verify', '-CAfile', paths.caCertPath, paths.serverCertPath);
      expect(verified).to.contain('server.crt: OK');
      const san = await openssl('x509', '-in', paths.serverCertPath, '-noout', '-ext', 'subjectAltName');
      expect(san).to.contain('DNS:localhost, IP Address:127.0.0.1');
      const serverInfo = certificateInfo(first.server.certPem);
      expect(Math.round((Date.parse(serverInfo.notAfter) - Date.now()) / 86_400_000)).to.equal(730);

      const second = await ensureDevelopmentPki(dataDir);
      expect(second.created).to.equal(false);
      expect(second.ca).to.deep.equal(first.ca);
      expect(second.server).to.deep.equal(first.server);

      fs.rmSync(paths.serverCertPath);
      const third = await ensureDevelopmentPki(dataDir);
      expect(third.created).to.equal(true);
      expect(third.ca).to.deep.equal(first.ca);
      expect(isIssuedBy(third.server.certPem, first.ca.certPem)).to.equal(true);
      expect(fs.readdirSync(paths.dir).sort()).to.deep.equal(['ca.crt', 'ca.key', 'server.crt', 'server.key']);
    });

    it('gives every one of several concurrent first uses the same CA', async () => {
      const dataDir = path.join(work, 'race');
      const results = await Promise.all([1, 2, 3].map(() => ensureDevelopmentPki(dataDir)));
      expect(new Set(results.map((r) => r.ca.certPem)).size).to.equal(1);
      expect(results.filter((r) => r.created).length).to.be.at.least(1);
      expect(fs.readFileSync(developmentPkiPaths(dataDir).caCertPath, 'utf8')).to.equal(results[0]!.ca.certPem);
      expect(fs.readdirSync(dataDir)).to.deep.equal(['pki']);
    });
  });
});
