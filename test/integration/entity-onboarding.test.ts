import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { readPrivateKey, readPublicKey } from '../../src/delivery/pgp';
import { describeDevelopmentSetup, ensureDevelopmentSetup } from '../../src/security/development-setup';
import { certificateInfo, createCertificateAuthority, issueCertificate } from '../../src/security/pki';
import { CliHarness } from '../support/cli-harness';
import { runTool } from '../support/run-tool';

const PUBLIC_KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZtest\n-----END PGP PUBLIC KEY BLOCK-----\n';
const openssl = async (...args: string[]) => (await runTool('openssl', args)).toString();
const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('onboarding: PKI, entities and certificates through smt', function () {
  let cli: CliHarness;
  let keys: string;

  beforeEach(() => {
    cli = new CliHarness('smt-onboarding-');
    keys = path.join(cli.dataDir, 'handed-over');
  });

  afterEach(() => cli.remove());

  async function ok(...args: string[]): Promise<string> {
    const r = await cli.run(...args);
    expect(r.status, `smt ${args.join(' ')}: ${r.err}`).to.equal(0);
    return r.out;
  }

  it('onboards a REP: pki init, pki issue, entity add with certificate, key and addresses, list, update, revoke', async () => {
    const init = await ok('pki', 'init');
    const caPath = path.join(cli.dataDir, 'pki', 'ca.crt');
    expect(init).to.contain(`Created the development PKI in ${path.join(cli.dataDir, 'pki')}`).and.to.contain(caPath);
    expect(await ok('pki', 'init')).to.contain('Kept the development PKI');

    const issued = await ok('pki', 'issue', '--cn', 'rep1.example.com', '--out', keys, '--days', '90');
    const password = /PKCS#12 password \(generated; it is not stored anywhere\): (\S+)/.exec(issued)![1]!;
    const certFile = path.join(keys, 'rep1.example.com.crt');
    expect(issued).to.contain(certFile).and.to.contain(path.join(keys, 'rep1.example.com.p12'));
    expect(mode(path.join(keys, 'rep1.example.com.key'))).to.equal(0o600);
    expect(await openssl('verify', '-CAfile', caPath, certFile)).to.contain(': OK');
    expect(await openssl('pkcs12', '-info', '-nokeys', '-in', path.join(keys, 'rep1.example.com.p12'), '-passin', `pass:${password}`)).to.contain('subject=CN = rep1.example.com');
    const chosen = await ok('pki', 'issue', '--cn', 'rep-signer', '--out', keys, '--password', 'chosen-pass');
    expect(chosen).to.not.contain('chosen-pass').and.to.not.contain('PKCS#12 password');
    const signerFile = path.join(keys, 'rep-signer.crt');

    const pgpFile = path.join(keys, 'rep.asc');
    fs.writeFileSync(pgpFile, PUBLIC_KEY);
    const added = await ok('entity', 'add', '--type', 'REP', '--name', 'Acme REP', '--duns', '200000001,2000000011234', '--duns', '200000003',
      '--cert', certFile, '--pgp-key', pgpFile, '--ip', '203.0.113.10,::ffff:127.0.0.1');
    const info = certificateInfo(fs.readFileSync(certFile, 'utf8'));
    expect(added).to.contain('Added REP "Acme REP" with DUNS 200000001, 2000000011234, 200000003 (PGP key registered).');
    expect(added).to.contain(`TLS certificate CN "rep1.example.com" (serial ${info.serialHex}, until ${info.notAfter.slice(0, 10)}; SHA-256 ${info.fingerprint256})`);
    expect(added).to.contain('calls from: 127.0.0.1, 203.0.113.10').and.to.not.contain('Before it can call');

    const updated = await ok('entity', 'update', 'Acme REP', '--signing-cert', signerFile, '--ip', '198.51.100.7');
    expect(updated).to.contain('signing certificate CN "rep-signer"').and.to.contain('calls from: 198.51.100.7');
    const listed = await ok('entity', 'list');
    expect(listed.split('\n')[0]).to.match(/^NAME\s+KIND\s+DUNS\s+PGP KEY\s+IP ADDRESSES\s+HAN ENDPOINT\s+CERTIFICATES$/);
    expect(listed).to.match(/198\.51\.100\.7\s+-\s+rep1\.example\.com \(tls,/);
    expect(listed).to.contain(`rep1.example.com (tls, until ${info.notAfter.slice(0, 10)}); rep-signer (signing, until `);

    const app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir }));
    try {
      const identity = await (await app.credentials()).identifyClient(info.fingerprint256);
      expect(identity).to.include({ name: 'Acme REP', kind: 'REP', revoked: false });
      expect(identity!.ips).to.deep.equal(['198.51.100.7']);
      expect(identity!.signingCertificatesPem).to.deep.equal([fs.readFileSync(signerFile, 'utf8')]);
    } finally {
      await app.close();
    }

    const revoked = await ok('cert', 'revoke', certFile, '--reason', 'laptop stolen');
    expect(revoked).to.contain(`Revoked: serial ${info.serialHex}.`).and.to.contain('the tls certificate CN "rep1.example.com" of "Acme REP"');
    const signer = certificateInfo(fs.readFileSync(signerFile, 'utf8'));
    expect(await ok('cert', 'revoke', signer.serialHex.toLowerCase())).to.contain(`Revoked: serial ${signer.serialHex}.`);
    expect(await ok('cert', 'revoke', signer.serialHex)).to.contain('Already revoked');
    expect(await ok('entity', 'list')).to.contain('rep1.example.com (tls, REVOKED); rep-signer (signing, REVOKED)');
    const again = await cli.run('entity', 'update', 'Acme REP', '--cert', certFile);
    expect(again.status).to.equal(2);
    expect(again.err).to.contain('has been revoked');
    const notThere = await cli.run('cert', 'revoke', path.join(keys, 'missing.crt'));
    expect(notThere.status).to.equal(2);
    expect(notThere.err).to.contain('neither a certificate file');

    const log = fs.readFileSync(path.join(cli.dataDir, 'logs', 'smt.log'), 'utf8');
    expect(log).to.contain('client certificate issued').and.to.contain('certificate revoked');
    expect(log).to.not.contain(password).and.to.not.contain('chosen-pass');
  });

  it('refuses a certificate from another CA, naming the CA it expects, and registers nothing', async () => {
    await ok('pki', 'init');
    const foreignCa = await createCertificateAuthority('Some Other CA', 1);
    const foreign = await issueCertificate(foreignCa, { commonName: 'rep1.example.com', kind: 'client', days: 30 });
    fs.mkdirSync(keys);
    const foreignFile = path.join(keys, 'foreign.crt');
    fs.writeFileSync(foreignFile, foreign.certPem);
    const r = await cli.run('entity', 'add', '--type', 'REP', '--name', 'Acme REP', '--duns', '200000001', '--cert', foreignFile, '--ip', '127.0.0.1');
    expect(r.status).to.equal(2);
    expect(r.err).to.contain(`The certificate file ${foreignFile} (CN "rep1.example.com") was issued by "Some Other CA"`);
    expect(r.err).to.contain(`certificates must chain to the development CA ${path.join(cli.dataDir, 'pki', 'ca.crt')}, CN "smt-platform development CA"`);
    expect(await ok('entity', 'list')).to.contain('No participants registered yet');

    const badIp = await cli.run('entity', 'add', '--type', 'REP', '--name', 'Acme REP', '--duns', '200000001', '--ip', '10.0.0.0/8');
    expect(badIp.status).to.equal(2);
    expect(badIp.err).to.contain('Not an IP address: "10.0.0.0/8"');

    // With SMT_CLIENT_CA_FILE the other CA is the one expected, and the development CA's certificates are refused.
    const caFile = path.join(keys, 'partner-ca.pem');
    fs.writeFileSync(caFile, foreignCa.certPem);
    const partner = new CliHarness('smt-onboarding-ca-', { SMT_CLIENT_CA_FILE: caFile });
    try {
      const devIssued = await partner.run('pki', 'issue', '--cn', 'dev-client', '--out', keys);
      expect(devIssued.out).to.contain('SMT_CLIENT_CA_FILE is set');
      const refused = await partner.run('entity', 'add', '--type', 'TDSP', '--name', 'Grid Co', '--duns', '100000001', '--cert', path.join(keys, 'dev-client.crt'));
      expect(refused.status).to.equal(2);
      expect(refused.err).to.contain(`certificates must chain to the client CA file ${caFile} (SMT_CLIENT_CA_FILE), CN "Some Other CA"`);
      const accepted = await partner.run('entity', 'add', '--type', 'TDSP', '--name', 'Grid Co', '--duns', '100000001', '--cert', foreignFile);
      expect(accepted.status, accepted.err).to.equal(0);
      expect(accepted.out).to.contain('register a source IP address (--ip)');
    } finally {
      partner.remove();
    }
  });

  describe('development setup', () => {
    let app: App;

    beforeEach(() => {
      app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir }));
    });

    afterEach(async () => {
      await app.close();
    });

    it('creates the PKI, a demo REP and TDSP with certificates, PGP keys, 127.0.0.1 and ESI IDs, once', async () => {
      const setup = await ensureDevelopmentSetup(app);
      expect(setup).to.include({ created: true, skipped: null });
      expect(setup.demo.map((d) => [d.name, d.kind, d.duns])).to.deep.equal([['Demo REP', 'REP', '200000001'], ['Demo TDSP', 'TDSP', '100000001']]);
      const registry = await app.registry();
      const credentials = await app.credentials();
      const participants = await registry.listParticipants();
      expect(participants.map((p) => [p.name, p.duns])).to.deep.equal([['Demo REP', ['200000001']], ['Demo TDSP', ['100000001']]]);

      for (const demo of setup.demo) {
        expect(demo.dir).to.equal(path.join(cli.dataDir, 'demo', demo.name === 'Demo REP' ? 'demo-rep' : 'demo-tdsp'));
        for (const secret of [demo.clientKeyPath, demo.pkcs12Path, demo.pkcs12PasswordPath, demo.pgpPrivateKeyPath, demo.ftpPasswordPath]) expect(mode(secret), secret).to.equal(0o600);
        const certPem = fs.readFileSync(demo.clientCertPath, 'utf8');
        expect(await openssl('verify', '-CAfile', setup.pki.caCertPath, demo.clientCertPath)).to.contain(': OK');
        const password = fs.readFileSync(demo.pkcs12PasswordPath, 'utf8').trim();
        expect(await openssl('pkcs12', '-info', '-nokeys', '-in', demo.pkcs12Path, '-passin', `pass:${password}`)).to.contain(`subject=CN = ${certificateInfo(certPem).subjectCn}`);
        const identity = await credentials.identifyClient(certificateInfo(certPem).fingerprint256);
        expect(identity).to.include({ name: demo.name, kind: demo.kind, revoked: false });
        expect(identity!.ips).to.deep.equal(['127.0.0.1']);
        const privateKey = await readPrivateKey(fs.readFileSync(demo.pgpPrivateKeyPath, 'utf8'));
        const registered = await readPublicKey(participants.find((p) => p.name === demo.name)!.pgpPublicKey!);
        expect(privateKey.getFingerprint()).to.equal(registered.getFingerprint());
      }
      expect(await registry.getEsiid('10443720000000001')).to.include({ tdspDuns: '100000001', meterNumber: 'M0000001' });
      expect(await registry.repsOfRecord('10443720000000005')).to.deep.equal([{ repDuns: '200000001', effectiveFrom: '2024-01-01', effectiveTo: null, source: 'registry' }]);
      expect(describeDevelopmentSetup(setup).join('\n')).to.contain(setup.demo[0]!.dir).and.to.contain('p12-password.txt');

      const caBefore = fs.readFileSync(setup.pki.caCertPath, 'utf8');
      const certBefore = fs.readFileSync(setup.demo[0]!.clientCertPath, 'utf8');
      const again = await ensureDevelopmentSetup(app);
      expect(again).to.include({ created: false, skipped: 'participants are already registered' });
      expect(again.demo).to.deep.equal(setup.demo);
      expect(fs.readFileSync(setup.pki.caCertPath, 'utf8')).to.equal(caBefore);
      expect(fs.readFileSync(setup.demo[0]!.clientCertPath, 'utf8')).to.equal(certBefore);
      expect((await registry.listParticipants()).length).to.equal(2);
    });

    it('does nothing on a data dir that already has participants', async () => {
      await (await app.registry()).addParticipant({ name: 'Real REP', kind: 'REP', duns: ['200000009'] });
      const setup = await ensureDevelopmentSetup(app);
      expect(setup).to.deep.include({ created: false, demo: [] });
      expect(fs.existsSync(path.join(cli.dataDir, 'demo'))).to.equal(false);
      expect(fs.existsSync(setup.pki.caCertPath)).to.equal(false);
      expect(describeDevelopmentSetup(setup)).to.deep.equal([]);
    });
  });
});
