import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';
import { validateAgainstXsd } from '../support/xsd-validate';

describe('SubmitUsageRequest platformEstimates (node-soap client over mutual TLS)', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-soap-estimates-'));
  const harness = new SoapHarness(dataDir);
  let rep: ClientFiles;

  before(async () => {
    await harness.start();
    rep = harness.files(harness.rep);
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const submitArgs = (extra: Record<string, unknown> = {}) => ({
    trans_id: 'T-E', requestorID: 'demo-rep', requesterType: 'ROR', requesterAuthenticationID: '200000001',
    reportType: 'INTERVAL', startDate: '07/01/2025', endDate: '07/01/2025', esiid: ['10443720000000001'], ...extra,
  });

  it('stores the option as asked (true, 1), and a request without it, or with false, as TDSP data only; every request validates against the XSD', async () => {
    const { client, agent } = await harness.client(rep);
    const requests = await harness.app.reportRequests();
    const asked: [Record<string, unknown>, boolean][] = [[{}, false], [{ platformEstimates: true }, true], [{ platformEstimates: false }, false], [{ platformEstimates: '1' }, true]];
    for (const [extra, expected] of asked) {
      const [submitted] = await client.SubmitUsageRequestAsync(submitArgs(extra), { httpsAgent: agent });
      expect(submitted.statusCode, JSON.stringify(extra)).to.equal('PEN');
      expect(validateAgainstXsd(client.lastRequest as string).errors, JSON.stringify(extra)).to.equal('');
      expect((await requests.status(submitted.correlationId)).platformEstimates, JSON.stringify(extra)).to.equal(expected);
    }
  });

  it('refuses the option on a MONTHLY report with a clear fault, and a value that is no xs:boolean (soap-estimates-flag.test.ts has every case)', async () => {
    const { client, agent } = await harness.client(rep);
    const monthly = await client.SubmitUsageRequestAsync(submitArgs({ reportType: 'MONTHLY', platformEstimates: true }), { httpsAgent: agent }).then(() => null, (e: { body?: string }) => e);
    expect(monthly?.body).to.contain('REPORT_OPTION_INVALID').and.contain('platform estimates are made for consumption days only');
    const yes = await client.SubmitUsageRequestAsync(submitArgs({ platformEstimates: 'yes' }), { httpsAgent: agent }).then(() => null, (e: { body?: string }) => e);
    expect(yes?.body).to.contain('REPORT_OPTION_INVALID').and.contain('platformEstimates "yes" is not an xs:boolean');
  });
});
