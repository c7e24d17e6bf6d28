import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { RunningFtpsServer } from '../../src/delivery/ftps/ftps-server';
import { InboundFolderWorker } from '../../src/ingest/inbound-folder.worker';
import { KIT_FILES } from '../../src/soap/starter-kit/starter-kit.files';
import { CORRELATION_ID_PLACEHOLDER, LSE_FILE_PLACEHOLDER, REPORT_FILE_PLACEHOLDER } from '../../src/soap/starter-kit/starter-kit.stock-tools';
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
 * files, curl checks mutual TLS, the kit's zeep script submits a signed request and asks for its status,
 * curl lists and downloads the report over FTPS (--ssl-reqd), gpg imports the kit's key and decrypts
 * it, unzip yields the CSV. Only the correlation id and the report's file name are filled in, where the
 * README says CORRELATION_ID and REPORT_FILE.
 */
describe('starter kit README, followed with openssl, curl and gpg', function () {
  this.timeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-stock-'));
  const gnupgHome = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-gnupg-'));
  const harness = new SoapHarness(dataDir, { SMT_FTPS_PORT: '0', SMT_FTPS_PASSIVE_PORTS: randomPortRange(10).join('-'), SMT_REPORT_POLL_MS: '100', SMT_MOCK_TDSP: 'off' });
  let ftps: RunningFtpsServer;
  let inbound: InboundFolderWorker;

  before(async () => {
    await harness.start();
    // As smt serve wires it: uploads to inbound/ are loaded and answered with an activity report.
    const app = harness.app;
    const key = await app.platformKey();
    fs.mkdirSync(app.tempDir, { recursive: true, mode: 0o700 });
    inbound = new InboundFolderWorker(await app.ingestService(), app.logger, {
      ftpsRoot: app.ftpsRoot, tempDir: app.tempDir, maxFileBytes: app.config.ingest.maxFileBytes, pollMs: 200,
      platformKey: async () => key.privateKey, ownerOf: async (duns) => (await app.registry()).findParticipantByDuns(duns),
    });
    inbound.start();
    ftps = await app.startFtpsServer(() => inbound.wake());
    await (await harness.app.reportWorker()).start();
  });
  after(async () => {
    await inbound.stop();
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

    const blocks = shellBlocks(fs.readFileSync(path.join(kit, KIT_FILES.readme), 'utf8'));
    expect(blocks.join('\n')).to.include('openssl pkcs12').and.include('python3 call-sample.py').and.include('curl --ssl-reqd')
      .and.include('gpg --batch --output report.zip --decrypt');
    // Run asynchronously: the servers answering curl and zeep live in this process. python3: Debian's, with zeep.
    const run = async (commands: string) => (await runTool('bash', ['-euc', `cd '${kit}'\n${commands}`], { GNUPGHOME: gnupgHome, PATH: `/usr/bin:${process.env.PATH}` })).toString('utf8');
    const adhoc = path.join(dataDir, 'ftps', '200000001', 'adhoc');
    const outputs: string[] = [];
    let correlationId = '';
    let delivered: string[] = [];
    for (const block of blocks) {
      if (block.includes('call-sample.py')) {
        const [submit, status] = block.trim().split('\n');
        correlationId = (JSON.parse(await run(submit!)) as { correlationId: string }).correlationId;
        outputs.push(await run(status!.split(CORRELATION_ID_PLACEHOLDER).join(correlationId)));
        continue;
      }
      if (block.includes(REPORT_FILE_PLACEHOLDER) && delivered.length === 0) {
        const deadline = Date.now() + 60_000;
        while (delivered.length === 0 && Date.now() < deadline) {
          delivered = fs.existsSync(adhoc) ? fs.readdirSync(adhoc).filter((f) => f.endsWith('.asc') && !f.startsWith('.')) : [];
          if (delivered.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(delivered, 'a report file in adhoc/').to.have.length.greaterThan(0);
      }
      outputs.push(await run(block.split(REPORT_FILE_PLACEHOLDER).join(delivered[0] ?? '')));
    }
    expect(correlationId).to.match(/^[0-9a-f-]{36}$/);
    expect(outputs[1], 'curl ?wsdl over mutual TLS').to.include(`<soap:address location="https://localhost:${harness.server.port}/MeterUsage"/>`);
    expect(JSON.parse(outputs[2]!), 'GetUsageRequestStatus through zeep').to.include({ correlationId });
    expect(outputs[3], 'the FTPS listing').to.include(delivered[0]);
    const csvName = execFileSync('unzip', ['-Z1', path.join(kit, 'report.zip')]).toString().trim();
    const csv = fs.readFileSync(path.join(kit, csvName), 'utf8');
    expect(csv).to.include('10443720000000001').and.include('07/01/2025');
  });

  it('uploads an LSE file as the TDSP\'s README says and collects its activity report', async () => {
    const cli = new CliHarness('', { SMT_SOAP_PUBLIC_URL: `https://localhost:${harness.server.port}`, SMT_FTPS_PUBLIC_URL: `ftp://localhost:${ftps.port}` }, dataDir);
    const kit = path.join(dataDir, 'kit-tdsp');
    const written = await cli.run('starter-kit', '--entity', 'Demo TDSP', '--out', kit);
    expect(written.status, written.err).to.equal(0);
    const upload = '100000001IntervalData20250716060000001.lse';
    fs.copyFileSync(lseFixture(upload), path.join(kit, upload));
    const block = shellBlocks(fs.readFileSync(path.join(kit, KIT_FILES.readme), 'utf8')).find((b) => b.includes(' -T '))!;
    const [exportLine, uploadLine, listLine, downloadLine] = block.trim().split('\n');
    const run = async (lines: string[]) => (await runTool('bash', ['-euc', `cd '${kit}'\n${lines.join('\n')}`])).toString('utf8');
    await run([exportLine!, uploadLine!.split(LSE_FILE_PLACEHOLDER).join(upload)]);
    const reports = path.join(dataDir, 'ftps', '100000001', 'reports');
    const deadline = Date.now() + 60_000;
    let report: string | undefined;
    while (report === undefined && Date.now() < deadline) {
      report = fs.existsSync(reports) ? fs.readdirSync(reports).find((f) => f.startsWith(upload)) : undefined;
      if (report === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(report, 'an activity report in reports/').to.be.a('string');
    expect(await run([exportLine!, listLine!])).to.include(report);
    await run([exportLine!, downloadLine!.split(REPORT_FILE_PLACEHOLDER).join(report!)]);
    expect(fs.readFileSync(path.join(kit, 'activity-report.txt'), 'utf8')).to.include(upload);
  });
});
