import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ensureDevelopmentCertificate } from '../../src/security/dev-pki';
import { runTool } from '../support/run-tool';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';
import { zeepScript } from '../support/zeep-client';

/** GET over mutual TLS; resolves to the status and the body. */
function fetchOverTls(url: string, harness: SoapHarness, client: ClientFiles | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { agent: harness.agent(client) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const addressOf = (wsdl: string) => /<soap:address location="([^"]*)"/.exec(wsdl)?.[1];

/**
 * zeep, a stock client, built from the served WSDL URL alone: it calls whatever address the WSDL
 * names (client.service), over mutual TLS, signing with WS-Security and checking the server's signed
 * answers (zeep-client.ts).
 */
const ZEEP_SCRIPT = zeepScript(String.raw`
from lxml import etree
from zeep.plugins import HistoryPlugin

history = HistoryPlugin()
client = signed_client(*sys.argv[1:6], plugins=[history])
try:
    submitted = client.service.SubmitUsageRequest(trans_id='Z-1', requestorID='demo-rep', requesterType='ROR', requesterAuthenticationID='200000001',
        reportType='DAILY', startDate='07/01/2025', endDate='07/01/2025', version='L', readingType='C', esiid=['10443720000000001'])
except Exception:
    for kind in ('last_sent', 'last_received'):
        message = getattr(history, kind)
        print(kind, message and etree.tostring(message['envelope']).decode(), file=sys.stderr)
    raise
status = client.service.GetUsageRequestStatus(trans_id='Z-2', requestorID='demo-rep', correlationId=submitted.correlationId)
print(json.dumps({'address': client.service._binding_options['address'], 'submitted': submitted.statusCode, 'correlationId': submitted.correlationId,
    'status': status.correlationId}))
`);

describe('served WSDLs name the address clients must call (SMT_SOAP_PUBLIC_URL, SMT_SOAP_PORT=0)', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-wsdl-address-'));
  // Port 0 in the public URL: the port the server got, as App.soapPublicUrl() reports it.
  const harness = new SoapHarness(dataDir, { SMT_SOAP_PUBLIC_URL: 'https://127.0.0.1:0' });
  let rep: ClientFiles;
  let base: string;

  before(async () => {
    await harness.start();
    rep = harness.files(harness.rep);
    base = `https://127.0.0.1:${harness.server.port}`;
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every WSDL with <public URL><path> as its soap:address, whatever the ?wsdl spelling', async () => {
    expect(harness.app.soapPublicUrl()).to.equal(base);
    for (const service of ['MeterUsage', 'EsiIdData', 'HAN', 'TdspCallback']) {
      for (const query of ['?wsdl', '?WSDL']) {
        const served = await fetchOverTls(`${base}/${service}${query}`, harness, rep);
        expect(served.status, served.body).to.equal(200);
        expect(served.body).to.match(/^<\?xml[^]*<wsdl:definitions/);
        expect(addressOf(served.body), `${service}${query}`).to.equal(`${base}/${service}`);
      }
    }
  });

  it('serves the mock TDSP\'s TdspHan WSDL with the port it got', async () => {
    const mock = await harness.app.startMockTdsp({ tdspCert: harness.tdsp.clientCertPath, tdspKey: harness.tdsp.clientKeyPath, port: 0 });
    const platform = await ensureDevelopmentCertificate(dataDir, 'platform-client');
    const served = await fetchOverTls(`https://127.0.0.1:${mock.port}/TdspHan?wsdl`, harness, { certificatePem: platform.certPem, privateKeyPem: platform.keyPem });
    expect(served.status, served.body).to.equal(200);
    expect(addressOf(served.body)).to.equal(`https://localhost:${mock.port}/TdspHan`);
  });

  it('lets zeep, created from the served WSDL URL, call the service at the address the WSDL names', async () => {
    const serverCert = path.join(dataDir, 'pki', 'server.crt');
    const out = await runTool('/usr/bin/python3', ['-c', ZEEP_SCRIPT, `${base}/MeterUsage?wsdl`, harness.rep.clientCertPath, harness.rep.clientKeyPath,
      path.join(dataDir, 'pki', 'ca.crt'), serverCert]);
    const answer = JSON.parse(out.toString('utf8').trim().split('\n').pop()!) as Record<string, string>;
    expect(answer.address).to.equal(`${base}/MeterUsage`);
    expect(answer.submitted).to.equal('PEN');
    expect(answer.status).to.equal(answer.correlationId);
  });
});

describe('served WSDLs behind a public URL with a host and path of its own', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-wsdl-public-'));
  const harness = new SoapHarness(dataDir, { SMT_SOAP_PUBLIC_URL: 'https://smt.example.test:9443/market/' });

  before(() => harness.start());
  after(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the configured URL, not the port the server listens on', async () => {
    for (const service of ['MeterUsage', 'EsiIdData', 'HAN', 'TdspCallback']) {
      const served = await fetchOverTls(`https://127.0.0.1:${harness.server.port}/${service}?wsdl`, harness, harness.files(harness.rep));
      expect(addressOf(served.body)).to.equal(`https://smt.example.test:9443/market/${service}`);
    }
  });

  it('still serves the WSDL only to a registered client certificate', async () => {
    const error = await fetchOverTls(`https://127.0.0.1:${harness.server.port}/MeterUsage?wsdl`, harness, null).then(() => null, (e: Error) => e);
    expect(error, 'a client without a certificate must not get the WSDL').to.be.instanceOf(Error);
  });
});
