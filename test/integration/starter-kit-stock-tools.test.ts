import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { RunningFtpsServer } from '../../src/delivery/ftps/ftps-server';
import { KIT_FILES } from '../../src/soap/starter-kit.files';
import { REPORT_FILE_PLACEHOLDER } from '../../src/soap/starter-kit.stock-tools';
import { verifyStarterKit } from '../../src/soap/starter-kit.verify';
import { CliHarness, lseFixture } from '../support/cli-harness';
import { randomPortRange } from '../support/ftps-harness';
import { runTool } from '../support/run-tool';
import { SoapHarness } from '../support/soap-harness';

/** The ```sh blocks of a README, in order. */
function shellBlocks(readme: string): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/**
 * The demo REP's kit README followed literally with stock tools: openssl turns the keystore into PEM
 * files, curl checks mutual TLS and then lists and downloads the report over FTPS (--ssl-reqd), gpg
 * imports the kit's key and decrypts it, unzip yields the CSV. Only the report's file name is filled
 * in, where the README says REPORT_FILE.
 */
describe('starter kit README, followed with openssl, curl and gpg', function () {
  this.timeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-stock-'));
  const gnupgHome = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-gnupg-'));
  const harness = new SoapHarness(dataDir, { SMT_FTPS_PORT: '0', SMT_FTPS_PASSIVE_PORTS: randomPortRange(10).join('-'), SMT_REPORT_POLL_MS: '100', SMT_MOCK_TDSP: 'off' });
  let ftps: RunningFtpsServer;

  before(async () => {
    await harness.start();
    ftps = await harness.app.startFtpsServer(() => undefined);
    await (await harness.app.reportWorker()).start();
  });
  after(async () => {
    await (await harness.app.reportWorker()).stop();
    await harness.stop();
    try {
      execFileSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'all'], { stdio: 'ignore' });
    } finally {
      fs.rmSync(gnupgHome, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('gets from the kit to a decrypted report file', async () => {
    const cli = new CliHarness('', { SMT_SOAP_PUBLIC_URL: `https://localhost:${harness.server.port}`, SMT_FTPS_PUBLIC_URL: `ftp://localhost:${ftps.port}` }, dataDir);
    expect((await cli.run('ingest', '--for', 'Demo TDSP', lseFixture('100000001IntervalData20250702060000001.lse'))).status).to.equal(0);
    const kit = path.join(dataDir, 'kit');
    const written = await cli.run('starter-kit', '--entity', 'Demo REP', '--out', kit);
    expect(written.status, written.err).to.equal(0);

    // The signed SubmitUsageRequest, as soapUI or --verify sends it; then wait for the worker to deliver the file.
    const { checks } = await verifyStarterKit(kit, { deviceWaitMs: 0 });
    expect(checks.find((c) => c.operation === 'SubmitUsageRequest')?.ok).to.equal(true);
    const adhoc = path.join(dataDir, 'ftps', '200000001', 'adhoc');
    const deadline = Date.now() + 60_000;
    let delivered: string[] = [];
    while (delivered.length === 0 && Date.now() < deadline) {
      delivered = fs.existsSync(adhoc) ? fs.readdirSync(adhoc).filter((f) => f.endsWith('.asc') && !f.startsWith('.')) : [];
      if (delivered.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(delivered, 'a report file in adhoc/').to.have.length.greaterThan(0);

    const blocks = shellBlocks(fs.readFileSync(path.join(kit, KIT_FILES.readme), 'utf8'));
    expect(blocks.join('\n')).to.include('openssl pkcs12').and.include('curl --ssl-reqd').and.include('gpg --batch --output report.zip --decrypt');
    // Run asynchronously: the servers answering curl live in this process.
    const outputs: string[] = [];
    for (const block of blocks) {
      const script = `cd '${kit}'\n${block.split(REPORT_FILE_PLACEHOLDER).join(delivered[0]!)}`;
      outputs.push((await runTool('bash', ['-euc', script], { GNUPGHOME: gnupgHome })).toString('utf8'));
    }
    expect(outputs[1], 'curl ?wsdl over mutual TLS').to.include(`<soap:address location="https://localhost:${harness.server.port}/MeterUsage"/>`);
    expect(outputs[2], 'the FTPS listing').to.include(delivered[0]);
    const csvName = execFileSync('unzip', ['-Z1', path.join(kit, 'report.zip')]).toString().trim();
    const csv = fs.readFileSync(path.join(kit, csvName), 'utf8');
    expect(csv).to.include('10443720000000001').and.include('07/01/2025');
  });
});
