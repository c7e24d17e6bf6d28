import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import { writeClientBundle } from '../../src/security/client-bundle';
import { ensureDevelopmentPki } from '../../src/security/dev-pki';
import { KIT_FILES } from '../../src/soap/starter-kit/starter-kit.files';
import { CliHarness, lseFixture } from '../support/cli-harness';
import { randomPortRange } from '../support/ftps-harness';
import { HanHarness } from '../support/han-harness';

/**
 * Each kit variant written by `smt starter-kit` (demo REP, a REP's own entity, a TDSP) checked by
 * `smt starter-kit --verify` through the real SOAP server (with the dispatch worker and the mock TDSP,
 * so provisioning completes): mutual TLS with the kit's keystore, every sample freshly signed, every
 * answer's signature checked against the kit's CA.
 */
describe('smt starter-kit --verify through the real server', function () {
  this.timeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-verify-'));
  const harness = new HanHarness(dataDir, { SMT_FTPS_PORT: '0', SMT_FTPS_PASSIVE_PORTS: randomPortRange(10).join('-') });
  let cli: CliHarness;
  const kitLines = (out: string) => out.split('\n').filter((l) => /^(OK|FAIL) /.test(l));

  before(async () => {
    await harness.start();
    cli = new CliHarness('', { SMT_SOAP_PUBLIC_URL: `https://localhost:${harness.server.port}`, SMT_FTPS_PUBLIC_URL: 'ftp://localhost:2121' }, dataDir);
    const loaded = await cli.run('ingest', '--for', 'Demo TDSP', lseFixture('100000001IntervalData20250702060000001.lse'));
    expect(loaded.status, loaded.err).to.equal(0);
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes for the demo REP\'s kit: all 21 samples answered, each answer signed by the server', async () => {
    const out = path.join(dataDir, 'kit-demo-rep');
    const written = await cli.run('starter-kit', '--entity', 'Demo REP', '--out', out);
    expect(written.status, written.err).to.equal(0);
    expect(written.out).to.include(`SMT_SOAP_PUBLIC_URL=https://localhost:${harness.server.port}`).and.include('SMT_FTPS_PUBLIC_URL')
      .and.include('ESI IDs 10443720000000001, 10443720000000002').and.include('the newest 2025-07-01')
      .and.include('The running platform serves the same SOAP addresses');
    const sample = fs.readFileSync(path.join(out, 'requests', 'GetIntervalUsage.xml'), 'utf8');
    expect(sample).to.include('<mu:endDate>07/01/2025</mu:endDate>').and.include('<mu:esiid>10443720000000001</mu:esiid>');
    const readme = fs.readFileSync(path.join(out, KIT_FILES.readme), 'utf8');
    const password = fs.readFileSync(path.join(dataDir, 'demo', 'demo-rep', 'p12-password.txt'), 'utf8').trim();
    expect(fs.statSync(path.join(out, KIT_FILES.readme)).mode & 0o777, 'a README with passwords is owner-only').to.equal(0o600);
    expect(readme).to.include(`export P12_PASSWORD='${password}'`).and.include('on 07/01/2025').and.include('ftp://localhost:2121/200000001/adhoc/');

    const verified = await cli.run('starter-kit', '--verify', out);
    expect(verified.status, verified.out + verified.err).to.equal(0);
    expect(verified.out).to.not.include('WARNING');
    const lines = kitLines(verified.out);
    expect(lines, verified.out).to.have.length(21);
    for (const line of lines) expect(line).to.match(/^OK /).and.include('answer signed by the server');
    expect(verified.out).to.match(/HAN ProvisionHanDevice .*the TDSP reported Device Added/);
    expect(verified.out).to.match(/EsiIdData GetDataGaps .*answer signed by the server/);
    expect(verified.out).to.include('All 21 samples sent answered');
  });

  it('passes for a TDSP\'s kit: its own ESI IDs, its MeterUsage samples, and the README covers its side', async () => {
    const out = path.join(dataDir, 'kit-tdsp');
    const written = await cli.run('starter-kit', '--entity', 'Demo TDSP', '--out', out);
    expect(written.status, written.err).to.equal(0);
    const readme = fs.readFileSync(path.join(out, KIT_FILES.readme), 'utf8');
    expect(readme).to.include('curl --ssl-reqd --cacert certs/server-ca.pem --user "100000001:$FTPS_PASSWORD" -T LSE_FILE ftp://localhost:2121/100000001/inbound/')
      .and.include('**Sender**').and.include('/100000001/reports/').and.include('TdspHan').and.include('ReportDeviceStatus').and.include('smt mock-tdsp');
    expect(fs.readFileSync(path.join(out, 'requests', 'SubmitUsageRequest.xml'), 'utf8')).to.include('<mu:requesterType>TDSP</mu:requesterType>')
      .and.include('<mu:esiid>10443720000000001</mu:esiid>');

    const verified = await cli.run('starter-kit', '--verify', out);
    expect(verified.status, verified.out + verified.err).to.equal(0);
    const lines = kitLines(verified.out);
    expect(lines.map((l) => l.split(/\s+/)[2])).to.deep.equal(['SubmitUsageRequest', 'GetUsageRequestStatus', 'GetIntervalUsage', 'GetDailyReads', 'GetMonthlyUsage',
      'GetTradeDateIntervalData', 'GetEsiidsWithoutIntervalData', 'RequestOwnedIntervalData', 'GetDataGaps']);
    for (const line of lines) expect(line).to.match(/^OK /);
  });

  it('passes for a REP\'s own entity with its own keystore, and marks the values to replace when it serves no ESI ID', async () => {
    const registry = await harness.app.registry();
    const pgp = await generatePgpKeyPair({ name: 'Own REP', email: 'own-rep@example.invalid' });
    await registry.addParticipant({ name: 'Own REP', kind: 'REP', duns: ['300000001'], pgpPublicKey: pgp.publicArmored });
    const pki = await ensureDevelopmentPki(dataDir);
    const bundle = await writeClientBundle(pki.ca, { commonName: 'own-rep', outDir: path.join(dataDir, 'own'), days: 30, pkcs12Password: 'own-secret-1' });
    const credentials = await harness.app.credentials();
    await credentials.registerCertificate('Own REP', bundle.certPem, 'tls');
    await credentials.setIps('Own REP', ['127.0.0.1']);

    const bare = path.join(dataDir, 'kit-own-bare');
    const first = await cli.run('starter-kit', '--entity', 'Own REP', '--out', bare, '--p12', bundle.pkcs12Path);
    expect(first.status, first.err).to.equal(0);
    expect(first.out).to.include('has no ESI ID registered to DUNS 300000001');
    expect(fs.readFileSync(path.join(bare, 'requests', 'HAN', 'GetMeterInfo.xml'), 'utf8'))
      .to.match(/<!-- replace with one of your ESI IDs: Own REP had none registered when this kit was written -->\s*<han:esiid>/);
    const bareReadme = fs.readFileSync(path.join(bare, KIT_FILES.readme), 'utf8');
    expect(bareReadme).to.include('operators deliver it with your keystore').and.not.include('own-secret-1');
    expect(fs.statSync(path.join(bare, KIT_FILES.readme)).mode & 0o777).to.equal(0o644);
    const noPassword = await cli.run('starter-kit', '--verify', bare);
    expect(noPassword.status).to.not.equal(0);
    expect(noPassword.err).to.include('--p12-password');

    const esiids = path.join(dataDir, 'own', 'esiids.csv');
    fs.writeFileSync(esiids, 'esiid,tdsp_duns,meter_number\n10443720000000031,100000001,M0000031\n10443720000000032,100000001,M0000032\n');
    const stretches = path.join(dataDir, 'own', 'rep-of-record.csv');
    fs.writeFileSync(stretches, 'esiid,rep_duns,effective_from,effective_to\n10443720000000031,300000001,2024-01-01,\n10443720000000032,300000001,2024-01-01,\n');
    for (const file of [esiids, stretches]) expect((await (await harness.app.registryImport()).importCsv(file)).rejected).to.deep.equal([]);
    const out = path.join(dataDir, 'kit-own');
    const written = await cli.run('starter-kit', '--entity', 'Own REP', '--out', out, '--p12', bundle.pkcs12Path, '--p12-password', 'own-secret-1');
    expect(written.status, written.err).to.equal(0);
    const provision = fs.readFileSync(path.join(out, 'requests', 'HAN', 'ProvisionHanDevice.xml'), 'utf8');
    expect(provision).to.include('<han:esiid>10443720000000031</han:esiid>').and.include('<han:meterNumber>M0000031</han:meterNumber>')
      .and.not.include('10443720000000001').and.not.include('any of your ESI IDs');
    // Its samples name its customers: the check leaves out what reaches their devices.
    const verified = await cli.run('starter-kit', '--verify', out, '--skip-messages');
    expect(verified.status, verified.out + verified.err).to.equal(0);
    expect(kitLines(verified.out)).to.have.length(15);
    const skipped = verified.out.split('\n').filter((l) => l.startsWith('SKIP '));
    expect(skipped.map((l) => l.split(/\s+/)[2]).sort()).to.deep.equal(['CancelAllLoadControlEvents', 'CancelLoadControlEvent', 'CancelTextMessage',
      'SendLoadControlEvent', 'SendPriceMessage', 'SendTextMessage']);
    expect(verified.out).to.include('All 15 samples sent answered');
  });

  it('warns when the platform serves another address than the kit names, and fails a kit whose keystore the platform does not know', async () => {
    const out = path.join(dataDir, 'kit-elsewhere');
    const other = new CliHarness('', { SMT_SOAP_PUBLIC_URL: `https://127.0.0.1:${harness.server.port}` }, dataDir);
    const written = await other.run('starter-kit', '--entity', 'Demo TDSP', '--out', out);
    expect(written.status, written.err).to.equal(0);
    expect(written.out).to.include(`WARNING MeterUsage: the kit names https://127.0.0.1:${harness.server.port}/MeterUsage`);
    const verified = await cli.run('starter-kit', '--verify', out);
    expect(verified.out).to.include(`WARNING MeterUsage: the kit names https://127.0.0.1:${harness.server.port}/MeterUsage, the platform's WSDL`)
      .and.include(`names https://localhost:${harness.server.port}/MeterUsage`);

    const stranger = await writeClientBundle((await ensureDevelopmentPki(dataDir)).ca, { commonName: 'stranger', outDir: path.join(dataDir, 'stranger'), days: 30, pkcs12Password: 'x-secret-123' });
    fs.copyFileSync(stranger.pkcs12Path, path.join(out, KIT_FILES.keystore));
    const refused = await cli.run('starter-kit', '--verify', out, '--p12-password', 'x-secret-123');
    expect(refused.status).to.equal(1);
    for (const line of kitLines(refused.out)) expect(line).to.match(/^FAIL .*AUTH_CERTIFICATE_UNKNOWN/);
  });
});
