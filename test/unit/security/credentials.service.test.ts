import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/config';
import { silentLogger } from '../../../src/core/logger';
import { openDatabase } from '../../../src/db/data-source';
import { RegistryService } from '../../../src/registry/registry.service';
import { loadClientCa } from '../../../src/security/client-ca';
import { CredentialsService } from '../../../src/security/credentials.service';
import { ensureDevelopmentPki, type DevelopmentPki } from '../../../src/security/dev-pki';
import { certificateInfo, createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../../src/security/pki';
import { expectSmtError } from '../../support/run-tool';

describe('security/CredentialsService', () => {
  let tmp: string;
  let db: DataSource;
  let pki: DevelopmentPki;
  let credentials: CredentialsService;
  let repTls: IssuedCertificate;
  let repSigning: IssuedCertificate;
  let tdspTls: IssuedCertificate;

  const fingerprint = (cert: { certPem: string }) => certificateInfo(cert.certPem).fingerprint256;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-credentials-'));
    pki = await ensureDevelopmentPki(tmp);
    [repTls, repSigning, tdspTls] = await Promise.all([
      issueCertificate(pki.ca, { commonName: 'rep1.example.com', kind: 'client', days: 365 }),
      issueCertificate(pki.ca, { commonName: 'rep-signer', kind: 'client', days: 365 }),
      issueCertificate(pki.ca, { commonName: 'tdsp1.example.com', kind: 'client', days: 365 }),
    ]);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeEach(async () => {
    fs.rmSync(path.join(tmp, 'smt.sqlite'), { force: true });
    db = await openDatabase(loadConfig({ SMT_DATA_DIR: tmp }));
    credentials = new CredentialsService(db, silentLogger(), () => loadClientCa({ dataDir: tmp, clientCaFile: null }));
    const registry = new RegistryService(db, silentLogger());
    await registry.addParticipant({ name: 'Demo REP', kind: 'REP', duns: ['200000001', '2000000011234'] });
    await registry.addParticipant({ name: 'Demo TDSP', kind: 'TDSP', duns: ['100000001'] });
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('identifies a registered TLS certificate by fingerprint, with DUNS, addresses and the TLS certificate as signer', async () => {
    const registered = await credentials.registerCertificate('Demo REP', repTls.certPem, 'tls');
    expect(registered).to.include({ participantName: 'Demo REP', purpose: 'tls', subjectCn: 'rep1.example.com', issuerCn: 'smt-platform development CA', serialHex: repTls.serialHex, revoked: false });
    expect(await credentials.setIps('Demo REP', ['203.0.113.10', '::ffff:127.0.0.1', '127.0.0.1'])).to.deep.equal(['127.0.0.1', '203.0.113.10']);
    const identity = await credentials.identifyClient(fingerprint(repTls));
    expect(identity).to.deep.equal({
      participantId: identity!.participantId,
      name: 'Demo REP',
      kind: 'REP',
      duns: ['200000001', '2000000011234'],
      ips: ['127.0.0.1', '203.0.113.10'],
      signingCertificatesPem: [repTls.certPem],
      revoked: false,
      notAfter: certificateInfo(repTls.certPem).notAfter,
    });
    // Node's getPeerCertificate().fingerprint256 has colons: both spellings find it.
    const colons = fingerprint(repTls).match(/../g)!.join(':');
    expect((await credentials.identifyClient(colons))?.name).to.equal('Demo REP');
    expect(await credentials.identifyClient(fingerprint(tdspTls))).to.equal(null);
  });

  it('lists registered signing certificates instead of the TLS certificate, and never identifies a connection by a signing certificate', async () => {
    await credentials.registerCertificate('Demo REP', repTls.certPem, 'tls');
    await credentials.registerCertificate('Demo REP', repSigning.certPem, 'signing');
    const identity = await credentials.identifyClient(fingerprint(repTls));
    expect(identity!.signingCertificatesPem).to.deep.equal([repSigning.certPem]);
    expect(await credentials.identifyClient(fingerprint(repSigning))).to.equal(null);
    const participantId = identity!.participantId;
    expect(await credentials.signingCertificatesOf(participantId)).to.deep.equal([repSigning.certPem]);
    // A revoked signing certificate leaves the list empty: it does not fall back to the TLS certificate,
    // whether a connection asks (identifyClient) or the platform checks the participant's answers.
    await credentials.revoke(repSigning.serialHex);
    expect((await credentials.identifyClient(fingerprint(repTls)))!.signingCertificatesPem).to.deep.equal([]);
    expect(await credentials.signingCertificatesOf(participantId)).to.deep.equal([]);
  });

  it('lets a client certificate call only while it is registered, not revoked and within its validity', async () => {
    await expectSmtError(credentials.checkClient(fingerprint(repTls)), 'AUTH_CERTIFICATE_UNKNOWN');
    await credentials.registerCertificate('Demo REP', repTls.certPem, 'tls');
    expect((await credentials.checkClient(fingerprint(repTls))).name).to.equal('Demo REP');
    const afterExpiry = new Date(Date.parse(certificateInfo(repTls.certPem).notAfter) + 1000);
    const expired = await expectSmtError(credentials.checkClient(fingerprint(repTls), afterExpiry), 'AUTH_CERTIFICATE_EXPIRED');
    expect(expired.message).to.contain('this client certificate expired on');
    await credentials.revoke(repTls.serialHex);
    await expectSmtError(credentials.checkClient(fingerprint(repTls)), 'AUTH_CERTIFICATE_REVOKED');
  });

  it('counts the TLS certificate as the signer of a participant without signing certificates, until it is revoked', async () => {
    await credentials.registerCertificate('Demo TDSP', tdspTls.certPem, 'tls');
    const participantId = (await credentials.identifyClient(fingerprint(tdspTls)))!.participantId;
    expect(await credentials.signingCertificatesOf(participantId)).to.deep.equal([tdspTls.certPem]);
    await credentials.revoke(tdspTls.serialHex);
    expect(await credentials.signingCertificatesOf(participantId)).to.deep.equal([]);
    expect((await credentials.identifyClient(fingerprint(tdspTls)))!.revoked).to.equal(true);
  });

  it('registers the same certificate again without change, but refuses it for another participant or purpose', async () => {
    await credentials.registerCertificate('Demo REP', repTls.certPem, 'tls');
    await credentials.registerCertificate('Demo REP', repTls.certPem, 'tls');
    expect((await credentials.credentialsByParticipant()).get(1)?.certificates).to.have.length(1);
    const other = await expectSmtError(credentials.registerCertificate('Demo TDSP', repTls.certPem, 'tls'), 'CONFLICT');
    expect(other.message).to.contain('already registered as the tls certificate of "Demo REP"');
    await expectSmtError(credentials.registerCertificate('Demo REP', repTls.certPem, 'signing'), 'CONFLICT');
    const unknown = await expectSmtError(credentials.registerCertificate('Nobody', tdspTls.certPem, 'tls'), 'NOT_FOUND');
    expect(unknown.message).to.contain('No participant is named "Nobody"');
  });

  it('refuses certificates from another CA naming the expected CA, CA certificates, server-only certificates and non-certificates', async () => {
    const foreignCa = await createCertificateAuthority('Foreign CA', 1);
    const foreign = await issueCertificate(foreignCa, { commonName: 'rep1.example.com', kind: 'client', days: 30 });
    const untrusted = await expectSmtError(credentials.registerCertificate('Demo REP', foreign.certPem, 'tls', 'rep.crt'), 'INPUT_INVALID');
    expect(untrusted.message).to.contain('rep.crt (CN "rep1.example.com") was issued by "Foreign CA", not by the client CA');
    expect(untrusted.message).to.contain(`certificates must chain to the development CA ${pki.caCertPath}, CN "smt-platform development CA"`);
    const isCa = await expectSmtError(credentials.registerCertificate('Demo REP', pki.ca.certPem, 'tls'), 'INPUT_INVALID');
    expect(isCa.message).to.contain('is a CA certificate');
    const serverOnly = await expectSmtError(credentials.registerCertificate('Demo REP', pki.server.certPem, 'tls'), 'INPUT_INVALID');
    expect(serverOnly.message).to.contain('lacks clientAuth');
    const garbage = await expectSmtError(credentials.registerCertificate('Demo REP', 'hello', 'tls', 'x.crt'), 'INPUT_INVALID');
    expect(garbage.message).to.contain('x.crt holds no PEM certificate');
    expect((await credentials.credentialsByParticipant()).size).to.equal(0);
  });

  it('refuses addresses that are not IP addresses, and replaces the set on every call', async () => {
    const error = await expectSmtError(credentials.setIps('Demo TDSP', ['10.0.0.1', '10.0.0.0/8', 'tdsp.example.com']), 'INPUT_INVALID');
    expect(error.message).to.contain('"10.0.0.0/8", "tdsp.example.com"');
    await credentials.setIps('Demo TDSP', ['10.0.0.1', '2001:DB8::1']);
    await credentials.setIps('Demo TDSP', ['10.0.0.2']);
    await credentials.registerCertificate('Demo TDSP', tdspTls.certPem, 'tls');
    expect((await credentials.identifyClient(fingerprint(tdspTls)))!.ips).to.deep.equal(['10.0.0.2']);
  });

  it('revokes by serial and by certificate file, before or after registration, and refuses to register a revoked certificate', async () => {
    await credentials.registerCertificate('Demo REP', repTls.certPem, 'tls');
    await credentials.registerCertificate('Demo TDSP', tdspTls.certPem, 'tls');
    const bySerial = await credentials.revoke(repTls.serialHex.toLowerCase().match(/../g)!.join(':'), 'key leaked');
    expect(bySerial).to.deep.include({ serialHex: repTls.serialHex, alreadyRevoked: false });
    expect(bySerial.certificates.map((c) => [c.participantName, c.revoked])).to.deep.equal([['Demo REP', true]]);
    expect(await credentials.isRevoked(repTls.serialHex)).to.equal(true);
    const rep = await credentials.identifyClient(fingerprint(repTls));
    expect(rep).to.include({ name: 'Demo REP', revoked: true });

    const byFile = await credentials.revoke(tdspTls.certPem);
    expect(byFile.serialHex).to.equal(tdspTls.serialHex);
    expect((await credentials.identifyClient(fingerprint(tdspTls)))!.revoked).to.equal(true);
    expect((await credentials.revoke(tdspTls.serialHex)).alreadyRevoked).to.equal(true);

    const later = await issueCertificate(pki.ca, { commonName: 'rep2.example.com', kind: 'client', days: 30 });
    const early = await credentials.revoke(later.serialHex);
    expect(early.certificates).to.deep.equal([]);
    const refused = await expectSmtError(credentials.registerCertificate('Demo REP', later.certPem, 'tls'), 'INPUT_INVALID');
    expect(refused.message).to.contain(`(serial ${later.serialHex}) has been revoked`);
    expect(await credentials.isRevoked(repSigning.serialHex)).to.equal(false);
  });

  it('reports the end of validity, so a certificate that has since expired is recognised, and refuses one already expired', async () => {
    // Valid for one day from (one day ago + 3 s): registrable now, expired a few seconds from now.
    const shortLived = await issueCertificate(pki.ca, { commonName: 'short.example.com', kind: 'client', days: 1, notBefore: new Date(Date.now() - 86_400_000 + 3000) });
    const registered = await credentials.registerCertificate('Demo REP', shortLived.certPem, 'tls');
    await new Promise((resolve) => setTimeout(resolve, Date.parse(registered.notAfter) - Date.now() + 50));
    const identity = await credentials.identifyClient(fingerprint(shortLived));
    expect(identity).to.include({ name: 'Demo REP', revoked: false });
    expect(Date.parse(identity!.notAfter)).to.be.below(Date.now());
    const listed = (await credentials.credentialsByParticipant()).get(identity!.participantId)!;
    expect(listed.certificates[0]!.notAfter).to.equal(identity!.notAfter);

    const expired = await issueCertificate(pki.ca, { commonName: 'old.example.com', kind: 'client', days: 1, notBefore: new Date(Date.now() - 3 * 86_400_000) });
    const error = await expectSmtError(credentials.registerCertificate('Demo REP', expired.certPem, 'tls'), 'INPUT_INVALID');
    expect(error.message).to.match(/\(CN "old.example.com"\) expired on \d{4}-\d\d-\d\dT/);
  });

  it('refuses every registration with a clear message while there is no client CA', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-no-ca-'));
    try {
      const noCa = new CredentialsService(db, silentLogger(), () => loadClientCa({ dataDir: empty, clientCaFile: null }));
      const error = await expectSmtError(noCa.registerCertificate('Demo REP', repTls.certPem, 'tls'), 'CONFIG_INVALID');
      expect(error.message).to.contain(`Cannot read the development CA ${path.join(empty, 'pki', 'ca.crt')}`).and.to.contain('run smt pki init');
      const configured = new CredentialsService(db, silentLogger(), () => loadClientCa({ dataDir: empty, clientCaFile: path.join(empty, 'none.pem') }));
      const setting = await expectSmtError(configured.registerCertificate('Demo REP', repTls.certPem, 'tls'), 'CONFIG_INVALID');
      expect(setting.message).to.contain('(SMT_CLIENT_CA_FILE)').and.to.contain('correct SMT_CLIENT_CA_FILE');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
