import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { expect } from 'chai';
import { startMetricsServer, type RunningMetricsServer } from '../../src/ops/metrics.server';
import { CliHarness } from '../support/cli-harness';
import { freePort, httpGet, ServeProcess } from '../../scripts/lib/serve-process';
import { SoapHarness } from '../support/soap-harness';

/** The value of one series in Prometheus text, or null when it is absent. */
function series(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : null;
}

describe('smt serve roles', function () {
  this.timeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-roles-'));
  const env = async (): Promise<NodeJS.ProcessEnv> => ({
    ...process.env, SMT_DATA_DIR: dataDir, SMT_SOAP_PORT: '0', SMT_FTPS_PORT: '0', SMT_PORTAL_PORT: '0', SMT_MOCK_TDSP: 'off',
    SMT_FTPS_PASSIVE_PORTS: `${await freePort()}`,
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses an unknown role with the allowed values, from the option and from SMT_ROLE', async () => {
    const cli = CliHarness.at(dataDir);
    const option = await cli.run('serve', '--role', 'reports');
    expect(option.status).to.equal(2);
    expect(option.err).to.contain('--role is "reports"; allowed values: all, api, worker');
    const setting = await new CliHarness('', { SMT_ROLE: 'frontend' }, dataDir).run('serve');
    expect(setting.status).to.equal(2);
    expect(setting.err).to.contain('Setting SMT_ROLE is "frontend"; allowed values: all, api, worker');
  });

  it('runs the services in an api instance and the background work in a worker instance, each saying so', async () => {
    const api = new ServeProcess('api', await env(), ['--role', 'api']);
    const worker = new ServeProcess('worker', { ...(await env()), SMT_ROLE: 'worker' });
    try {
      await api.start();
      await worker.start();
      expect(api.err).to.contain('role api: SOAP, FTPS and the portal').and.contain('SOAP (mutual TLS)').and.contain('FTPS (explicit TLS)').and.contain('web portal');
      expect(api.err).to.not.contain('inbound LSE files');
      expect(worker.err).to.contain('role worker: report jobs, the TDSP outbox, inbound file loading and the scheduler');
      expect(worker.err).to.contain('inbound LSE files').and.not.contain('SOAP (mutual TLS)').and.not.contain('web portal');
      for (const instance of [api, worker]) {
        expect((await httpGet(`${instance.metricsUrl}/healthz`)).status).to.equal(200);
        expect(await httpGet(`${instance.metricsUrl}/readyz`)).to.deep.equal({ status: 200, body: 'ready\n' });
      }
      const metrics = (await httpGet(`${worker.metricsUrl}/metrics`)).body;
      expect(metrics).to.match(/^smt_instance_info\{role="worker",instance="[^"]+"\} 1$/m);
      // Only an api instance listens for SOAP: the worker's log names no SOAP port.
      const soapPort = /SOAP \(mutual TLS\): https:\/\/127\.0\.0\.1:(\d+)\//.exec(api.err)?.[1];
      expect(Number(soapPort)).to.be.greaterThan(0);
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
    expect(api.child!.exitCode).to.equal(0);
    expect(worker.child!.exitCode).to.equal(0);
  });
});

describe('health and metrics port', function () {
  this.timeout(120_000);
  const harness = SoapHarness.forSuite('smt-metrics-');
  let server: RunningMetricsServer;
  let closed = false;

  before(async () => {
    const app = harness.app;
    fs.mkdirSync(app.tempDir, { recursive: true });
    fs.mkdirSync(app.ftpsRoot, { recursive: true });
    server = await startMetricsServer({
      host: '127.0.0.1', port: 0, role: 'all', instance: 'test-instance', db: () => app.db(),
      folders: [app.config.dataDir, app.ftpsRoot, app.tempDir], ftpsRoot: app.ftpsRoot, checkTimeoutMs: 2000,
    }, app.logger);
  });
  after(async () => {
    if (!closed) await server.close();
  });

  it('is bound to the loopback address by default and answers only its three paths', async () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await httpGet(`${server.url}/healthz`)).body).to.equal('ok\n');
    const other = await httpGet(`${server.url}/admin`);
    expect(other.status).to.equal(404);
  });

  it('says which setting to change when its port is taken (a second instance on the host)', async () => {
    const app = harness.app;
    const taken = await startMetricsServer({
      host: '127.0.0.1', port: server.port, role: 'all', instance: 'second', db: () => app.db(), folders: [], ftpsRoot: app.ftpsRoot,
    }, app.logger).then(() => null, (error: Error) => error);
    expect(taken?.message).to.contain(`cannot listen on 127.0.0.1:${server.port} (EADDRINUSE`).and.contain('set SMT_METRICS_PORT to another port');
  });

  it('counts refused TLS handshakes and refused signed messages by reason, and shows the queues', async () => {
    const before = (await httpGet(`${server.url}/metrics`)).body;
    const tlsBefore = series(before, 'smt_security_refusals_total{layer="tls",reason="no-certificate"}') ?? 0;
    // A client without a certificate: the mutual TLS handshake is refused.
    await new Promise<void>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: harness.server.port, ca: harness.caPem, servername: 'localhost' });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.on('secureConnect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    });
    // A well-authenticated client whose message is not signed.
    const unsigned = await harness.post('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x/></soap:Body></soap:Envelope>', harness.repFiles);
    expect(unsigned.status).to.equal(500);
    const wssCode = /<code>([A-Z_]+)<\/code>/.exec(unsigned.body)?.[1];
    expect(wssCode).to.be.a('string');
    await new Promise((r) => setTimeout(r, 200));
    const after = (await httpGet(`${server.url}/metrics`)).body;
    expect(series(after, 'smt_security_refusals_total{layer="tls",reason="no-certificate"}') ?? series(after, 'smt_security_refusals_total{layer="tls",reason="closed-early"}'),
      'the refused handshake is counted').to.be.greaterThan(tlsBefore);
    expect(series(after, `smt_security_refusals_total{layer="ws-security",reason="${wssCode}"}`)).to.be.at.least(1);
    for (const name of ['smt_report_jobs{state="queued"}', 'smt_outbox_dispatches{state="pending"}', 'smt_outbox_dispatches{state="dead"}',
      'smt_oldest_claim_age_seconds{queue="report"}', 'smt_inbound_files_waiting', 'smt_ingest_records_total{outcome="loaded"}']) {
      expect(series(after, name), name).to.be.a('number');
    }
    expect(after).to.contain('# TYPE smt_report_duration_seconds histogram');
  });

  it('is not ready, and says why, when a data folder is not writable or the database is gone', async () => {
    // A file where the folder belongs (a failed mount, a slip of an operator): nothing can be written there, even by root.
    const folder = harness.app.tempDir;
    fs.renameSync(folder, `${folder}.aside`);
    fs.writeFileSync(folder, 'not a folder');
    try {
      const answer = await httpGet(`${server.url}/readyz`);
      expect(answer.status).to.equal(503);
      expect(answer.body).to.contain(`not ready: ${folder}:`).and.contain('ENOTDIR');
    } finally {
      fs.rmSync(folder);
      fs.renameSync(`${folder}.aside`, folder);
    }
    expect((await httpGet(`${server.url}/readyz`)).status).to.equal(200);
    await (await harness.app.db()).destroy();
    const gone = await httpGet(`${server.url}/readyz`);
    expect(gone.status).to.equal(503);
    expect(gone.body).to.contain('not ready: the database:');
    expect((await httpGet(`${server.url}/healthz`)).status, 'alive all the same').to.equal(200);
    await server.close();
    closed = true;
  });
});
