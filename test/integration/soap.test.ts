import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { verifyWsSecurity } from '../../src/security/ws-security.verifier';
import { lseFixture } from '../support/cli-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';
import { validateAgainstXsd } from '../support/xsd-validate';

describe('MeterUsage over mutual TLS and WS-Security (node-soap client)', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-soap-'));
  const harness = new SoapHarness(dataDir, { SMT_REPORT_POLL_MS: '100' });
  let rep: ClientFiles;

  before(async () => {
    await harness.start();
    rep = harness.files(harness.rep);
    const ingest = (await harness.app.ingestService()).newRun({ kind: 'operator', osUser: 'test' });
    const file = lseFixture('100000001IntervalData20250702060000001.lse');
    await ingest.loadFile({ displayName: path.basename(file), lsePath: file, sizeBytes: fs.statSync(file).size });
    await (await harness.app.reportWorker()).start();
  });
  after(async () => {
    await (await harness.app.reportWorker()).stop();
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const submitArgs = (extra: Record<string, unknown> = {}) => ({
    trans_id: 'T-1', requestorID: 'demo-rep', requesterType: 'ROR', requesterAuthenticationID: '200000001',
    reportType: 'INTERVAL', startDate: '07/01/2025', endDate: '07/01/2025', version: 'L', readingType: 'C',
    esiid: ['10443720000000001', '10443720000000002', '10443720000000009'], ...extra,
  });

  it('runs the whole flow: submit, poll until done, and the delivered file decrypts to the expected rows', async () => {
    const { client, agent } = await harness.client(rep);
    const [submitted] = await client.SubmitUsageRequestAsync(submitArgs(), { httpsAgent: agent });
    expect(submitted).to.include({ trans_id: 'T-1', statusCode: 'PEN' });
    expect(submitted.notAuthorized).to.deep.equal(['10443720000000009']);
    const signedAnswer = verifyWsSecurity(client.lastResponse as string, { trustedCertificatesPem: [fs.readFileSync(path.join(dataDir, 'pki', 'server.crt'), 'utf8')], now: new Date() });
    expect(signedAnswer.operation?.name).to.equal('SubmitUsageRequestResponse');
    expect(validateAgainstXsd(client.lastResponse as string).errors).to.equal('');
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status.statusCode !== '0'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [status] = await client.GetUsageRequestStatusAsync({ trans_id: 'T-2', requestorID: 'demo-rep', correlationId: submitted.correlationId }, { httpsAgent: agent });
    }
    expect(status.statusCode).to.equal('0');
    expect(validateAgainstXsd(client.lastResponse as string).valid).to.equal(true);
    const file = (status.file as { fileName: string; recordCount: number }[] | { fileName: string; recordCount: number });
    const files = Array.isArray(file) ? file : [file];
    expect(files[0].recordCount).to.equal(2 * 96);
    const gpg = new GpgHome();
    try {
      gpg.importKey(fs.readFileSync(harness.rep.pgpPrivateKeyPath, 'utf8'));
      const delivered = path.join(dataDir, 'ftps', '200000001', 'adhoc', files[0].fileName);
      const csv = unzipOnly(gpg.decrypt(delivered), dataDir).content.toString('utf8').split('\r\n').filter(Boolean);
      expect(csv).to.have.length(1 + 2 * 96);
      expect(csv[1]).to.match(/^'10443720000000001,07\/01\/2025,07\/02\/2025 06:00:00,00:00,00:15,\d+\.\d{3},[AE],Consumption$/);
    } finally {
      gpg.remove();
    }
  });

  it('answers one ESI ID synchronously with the CSV columns as elements, and sends larger asks to SubmitUsageRequest', async () => {
    const { client, agent } = await harness.client(rep);
    const args = { trans_id: 'T-3', requestorID: 'demo-rep', requesterAuthenticationID: '200000001', esiid: '10443720000000001', startDate: '07/01/2025', endDate: '07/01/2025' };
    const [daily] = await client.GetDailyReadsAsync(args, { httpsAgent: agent });
    expect(daily.statusCode).to.equal('0');
    expect(validateAgainstXsd(client.lastResponse as string).errors).to.equal('');
    const read = Array.isArray(daily.dailyRead) ? daily.dailyRead[0] : daily.dailyRead;
    expect(read).to.include({ esiid: '10443720000000001', usageDate: '07/01/2025' });
    const [intervals] = await client.GetIntervalUsageAsync(args, { httpsAgent: agent });
    expect(intervals.interval).to.have.length(96);
    expect(validateAgainstXsd(client.lastResponse as string).errors).to.equal('');
    const [monthly] = await client.GetMonthlyUsageAsync({ ...args, startDate: '06/01/2025', endDate: '08/31/2025' }, { httpsAgent: agent });
    expect(monthly.statusCode).to.equal('0');
    expect(validateAgainstXsd(client.lastResponse as string).errors).to.equal('');
    const [hidden] = await client.GetDailyReadsAsync({ ...args, esiid: '10443720000000009' }, { httpsAgent: agent });
    expect(hidden.statusCode, 'an ESI ID of another REP').to.equal('NAU');
    expect(hidden.dailyRead).to.equal(undefined);
    const error = await client.GetIntervalUsageAsync({ ...args, startDate: '01/01/2025' }, { httpsAgent: agent }).then(() => null, (e: { root?: unknown; body?: string }) => e);
    expect(error?.body).to.contain('RANGE_TOO_LARGE').and.contain('SubmitUsageRequest');
  });

  it('refuses a DUNS that is not the caller\'s, with a fault that validates against the XSD', async () => {
    const { client, agent } = await harness.client(rep);
    const error = await client.SubmitUsageRequestAsync(submitArgs({ requesterAuthenticationID: '100000001' }), { httpsAgent: agent }).then(() => null, (e: { body?: string }) => e);
    expect(error?.body).to.contain('<code>DUNS_NOT_OWNED</code>');
    expect(validateAgainstXsd(error!.body!, 'smtFault').errors).to.equal('');
    const wrongType = await client.SubmitUsageRequestAsync(submitArgs({ requesterType: 'TDSP' }), { httpsAgent: agent }).then(() => null, (e: { body?: string }) => e);
    expect(wrongType?.body).to.contain('<code>REPORT_OPTION_INVALID</code>').and.contain('does not match your registration as a REP; send ROR');
  });
});
