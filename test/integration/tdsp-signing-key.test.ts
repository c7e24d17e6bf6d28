import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/config';
import { isSmtError } from '../../src/core/errors';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { createCertificateAuthority, issueCertificate } from '../../src/security/pki';
import { randomPortRange } from '../support/ftps-harness';
import { call, DEMO_ESIIDS, eventually, HanHarness } from '../support/han-harness';

const CODE = appendInstallCodeCrc('1122334455667788');
const SMT = path.join(__dirname, '../../bin/smt');

/**
 * The platform's TLS key answers REPs; a separate key (SMT_TDSP_SIGNING_CERT_FILE / _KEY_FILE) signs what
 * it sends the TDSPs. A TDSP that trusts only that signing certificate for requests accepts the platform's
 * calls, which it could not if they were still signed with the server key.
 */
describe('a separate key signs the platform\'s calls to TDSPs', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-tdsp-signing-'));
  const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-tdsp-signing-keys-'));
  const signingCert = path.join(keys, 'tdsp-signing.crt');
  const signingKey = path.join(keys, 'tdsp-signing.key');
  const settings = { SMT_TDSP_SIGNING_CERT_FILE: signingCert, SMT_TDSP_SIGNING_KEY_FILE: signingKey };
  let harness: HanHarness;

  before(async () => {
    // Its own CA: a TDSP trusts the signing certificate itself, not a chain.
    const ca = await createCertificateAuthority('platform signing CA', 1);
    const signer = await issueCertificate(ca, { commonName: 'smt-platform outbound signing', kind: 'client', days: 30 });
    fs.writeFileSync(signingCert, signer.certPem);
    fs.writeFileSync(signingKey, signer.keyPem, { mode: 0o600 });
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined as unknown as HanHarness;
  });
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(keys, { recursive: true, force: true });
  });

  const provision = async (mac: string, esiid = DEMO_ESIIDS[0]!) => {
    const han = await harness.client('HAN', harness.files(harness.participant('REP')));
    const answer = await call<{ requestId: string }>(han, 'ProvisionHanDevice', {
      trans_id: 'T', requestorID: 'ops', requesterAuthenticationID: '200000001', esiid, meterNumber: `M000000${DEMO_ESIIDS.indexOf(esiid) + 1}`, macAddress: mac, installCode: CODE,
    });
    expect(answer.result?.requestId, JSON.stringify(answer.fault)).to.be.a('string');
    return answer.result!.requestId;
  };
  const statusOf = async (mac: string, esiid = DEMO_ESIIDS[0]!) => {
    const han = await harness.client('HAN', harness.files(harness.participant('REP')));
    const seen = await call<{ device: { deviceStatus: string } }>(han, 'GetHanDeviceDetails', { trans_id: 'T', requestorID: 'ops', requesterAuthenticationID: '200000001', esiid, macAddress: mac });
    return seen.result!.device.deviceStatus;
  };
  const dispatchOf = async (requestId: string) => ((await (await harness.app.db()).query(`SELECT "state", "attempts", "last_error" AS "lastError" FROM "tdsp_dispatch" WHERE "request_id" = '${requestId}'`)) as { state: string; attempts: number; lastError: string | null }[])[0]!;

  it('a TDSP that trusts only the signing certificate accepts the call and the device is added', async () => {
    harness = new HanHarness(dataDir, settings);
    await harness.start({ mock: false });
    const tdsp = harness.participant('TDSP');
    const mock = await harness.app.startMockTdsp({ tdspCert: tdsp.clientCertPath, tdspKey: tdsp.clientKeyPath, platformSigner: signingCert });
    await (await harness.app.registry()).updateParticipant('Demo TDSP', { endpoint: `https://localhost:${mock.port}/TdspHan` });
    const requestId = await provision('00124B0000000B01');
    await eventually('the device to be added', async () => ((await statusOf('00124B0000000B01')) === 'Device Added' ? true : undefined));
    expect(await dispatchOf(requestId)).to.include({ state: 'DONE', attempts: 1 });
  });

  it('a TDSP that trusts only the server certificate for requests refuses them: the server key no longer signs calls', async () => {
    harness = new HanHarness(dataDir, settings);
    await harness.start({ mock: false });
    const tdsp = harness.participant('TDSP');
    const serverCert = path.join(keys, 'server.crt');
    fs.writeFileSync(serverCert, (await harness.app.serverIdentity()).certificatePem);
    const mock = await harness.app.startMockTdsp({ tdspCert: tdsp.clientCertPath, tdspKey: tdsp.clientKeyPath, platformSigner: serverCert });
    await (await harness.app.registry()).updateParticipant('Demo TDSP', { endpoint: `https://localhost:${mock.port}/TdspHan` });
    const requestId = await provision('00124B0000000B02', DEMO_ESIIDS[1]);
    const dispatch = await eventually('the dispatch to end', async () => {
      const d = await dispatchOf(requestId);
      return ['REFUSED', 'DEAD', 'DONE'].includes(d.state) ? d : undefined;
    });
    expect(dispatch.state).to.equal('REFUSED');
    expect(dispatch.lastError).to.contain('WSS_CERTIFICATE_UNTRUSTED');
  });

  it('smt serve\'s development mock TDSP trusts the signing certificate by default', async () => {
    harness = new HanHarness(dataDir, settings);
    await harness.start();
    await provision('00124B0000000B03', DEMO_ESIIDS[2]);
    await eventually('the device to be added', async () => ((await statusOf('00124B0000000B03', DEMO_ESIIDS[2])) === 'Device Added' ? true : undefined));
  });

  it('refuses at start a signing key that is not the certificate\'s, or one of the pair alone, naming the setting', async () => {
    const other = await issueCertificate(await createCertificateAuthority('another CA', 1), { commonName: 'other', kind: 'client', days: 30 });
    const otherKey = path.join(keys, 'other.key');
    fs.writeFileSync(otherKey, other.keyPem, { mode: 0o600 });
    const alone = (() => {
      try {
        loadConfig({ SMT_DATA_DIR: dataDir, SMT_TDSP_SIGNING_CERT_FILE: signingCert });
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(isSmtError(alone, 'CONFIG_INVALID'), String(alone)).to.equal(true);
    expect((alone as Error).message).to.contain('SMT_TDSP_SIGNING_KEY_FILE');
    const mismatched = new HanHarness(dataDir, { SMT_TDSP_SIGNING_CERT_FILE: signingCert, SMT_TDSP_SIGNING_KEY_FILE: otherKey });
    const failed = await mismatched.start({ mock: false }).then(() => null, (error: unknown) => error);
    await mismatched.app.close();
    expect(isSmtError(failed, 'CONFIG_INVALID'), String(failed)).to.equal(true);
    expect((failed as Error).message).to.contain(`SMT_TDSP_SIGNING_KEY_FILE ${otherKey} is not the private key of SMT_TDSP_SIGNING_CERT_FILE ${signingCert}`);
  });

  it('smt serve warns at start when SMT_SOAP_PUBLIC_URL is http://', async () => {
    const child = spawn(process.execPath, [SMT, 'serve'], {
      env: {
        ...process.env, SMT_DATA_DIR: dataDir, SMT_SOAP_PORT: '0', SMT_FTPS_PORT: '0', SMT_FTPS_PASSIVE_PORTS: randomPortRange(5).join('-'), SMT_MOCK_TDSP: 'off', SMT_PORTAL_PORT: '0',
        SMT_METRICS_PORT: '0', SMT_SOAP_PUBLIC_URL: 'http://smt.example.com:8443',
      },
    });
    let err = '';
    child.stdout.resume();
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes('Ctrl-C stops.')) resolve();
      });
      child.on('exit', (status) => reject(new Error(`smt serve ended (${status}) before it started: ${err}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const warnings = err.split('\n').filter((l) => l.startsWith('smt: warning:'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('SMT_SOAP_PUBLIC_URL is http://smt.example.com:8443').and.to.contain('https://');
  });
});
