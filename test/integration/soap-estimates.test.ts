import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';
import { validateAgainstXsd } from '../support/xsd-validate';

/** The element as the client put it on the wire (an empty one as <x/> or <x></x>). */
const sentAs = (value: string) => value === '' ? /<[\w:]*platformEstimates( [^>]*)?(\/>|><\/[\w:]*platformEstimates>)/ : new RegExp(`platformEstimates[^>]*>${value}</`);
const faultCode = (body: string | undefined) => /<code>([A-Z_]+)<\/code>/.exec(body ?? '')?.[1];

describe('SubmitUsageRequest platformEstimates (node-soap client over mutual TLS, WS-Security)', function () {
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

  it('refuses the option on a MONTHLY report with a clear fault, and a value that is no xs:boolean (every case below)', async () => {
    const { client, agent } = await harness.client(rep);
    const monthly = await client.SubmitUsageRequestAsync(submitArgs({ reportType: 'MONTHLY', platformEstimates: true }), { httpsAgent: agent }).then(() => null, (e: { body?: string }) => e);
    expect(monthly?.body).to.contain('REPORT_OPTION_INVALID').and.contain('platform estimates are made for consumption days only');
    const yes = await client.SubmitUsageRequestAsync(submitArgs({ platformEstimates: 'yes' }), { httpsAgent: agent }).then(() => null, (e: { body?: string }) => e);
    expect(yes?.body).to.contain('REPORT_OPTION_INVALID').and.contain('platformEstimates "yes" is not an xs:boolean');
  });

  const submit = async (extra: Record<string, unknown>) => {
    const { client, agent } = await harness.client(rep);
    const args = { trans_id: 'T-F', requestorID: 'demo-rep', requesterType: 'ROR', requesterAuthenticationID: '200000001',
      reportType: 'DAILY', startDate: '07/01/2025', endDate: '07/01/2025', esiid: ['10443720000000001'], ...extra };
    const answer = await client.SubmitUsageRequestAsync(args, { httpsAgent: agent })
      .then(([r]: [{ statusCode: string; correlationId: string }]) => ({ ok: r, fault: null }), (e: { body?: string }) => ({ ok: null, fault: e.body ?? String(e) }));
    return { ...answer, sent: client.lastRequest as string };
  };
  const stored = async (correlationId: string) => (await (await harness.app.reportRequests()).status(correlationId)).platformEstimates;

  for (const [label, extra, expected] of [
    ['true', { platformEstimates: 'true' }, true], ['1', { platformEstimates: '1' }, true], ['false', { platformEstimates: 'false' }, false],
    ['0', { platformEstimates: '0' }, false], ['" true " (xs:boolean collapses surrounding whitespace)', { platformEstimates: ' true ' }, true],
    ['absent', {}, false], ['an empty element (the schema\'s default applies)', { platformEstimates: '' }, false],
  ] as [string, Record<string, unknown>, boolean][]) {
    it(`takes ${label} as ${expected}`, async () => {
      const { ok, fault, sent } = await submit(extra);
      expect(fault, fault ?? '').to.equal(null);
      expect(ok!.statusCode).to.equal('PEN');
      if ('platformEstimates' in extra) expect(sent).to.match(sentAs(String(extra.platformEstimates)));
      else expect(sent).to.not.contain('platformEstimates');
      expect(validateAgainstXsd(sent).errors).to.equal('');
      expect(await stored(ok!.correlationId)).to.equal(expected);
    });
  }

  for (const [label, value] of [['yes', 'yes'], ['"TRUE " (case counts; only the whitespace is collapsed)', 'TRUE '], ['2', '2']] as [string, string][]) {
    it(`refuses ${label} with REPORT_OPTION_INVALID saying what to send, and stores nothing`, async () => {
      const before = (await (await harness.app.reportRequests()).list()).length;
      const { ok, fault, sent } = await submit({ platformEstimates: value });
      expect(sent).to.match(sentAs(value));
      expect(ok).to.equal(null);
      expect(faultCode(fault!)).to.equal('REPORT_OPTION_INVALID');
      expect(fault).to.contain('is not an xs:boolean: send true or false (1 or 0), or leave platformEstimates out for false');
      expect(validateAgainstXsd(fault!, 'smtFault').errors).to.equal('');
      // The schema refuses it too: the service says what a validating stack would.
      expect(validateAgainstXsd(sent).valid).to.equal(false);
      expect((await (await harness.app.reportRequests()).list()).length).to.equal(before);
    });
  }
});
