import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import type { ReportRequest } from '../../src/db/entities/report-request.entity';
import { ReportJobStore } from '../../src/usage/report-job.store';
import { ReportWorker, type ReportWorkerOptions } from '../../src/usage/report.worker';
import type { ReportCsvProducer } from '../../src/usage/report-csv.producer';
import { HanHarness } from '../support/han-harness';

/** The worker stops producing before the FTPS folders' disk fills, says so once, and carries on when space returns. */
describe('report production pauses while free space is low', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-space-'));
  const harness = new HanHarness(dataDir);
  const logged: { level: string; message: string }[] = [];
  const HUGE = 1_000_000_000 * 1024 * 1024; // a billion MB: more than any disk here has free

  before(async () => {
    await harness.start({ mock: false });
    harness.app.logger.add(new winston.transports.Stream({
      stream: new Writable({ objectMode: true, write: (line: unknown, _encoding, done) => {
        logged.push(typeof line === 'string' ? JSON.parse(line) : { ...(line as { level: string; message: string }) });
        done();
      } }),
    }));
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const queue = async (): Promise<string> => (await (await harness.app.reportRequests()).submit({
    requesterDuns: '200000001', reportType: 'INTERVAL', startDate: '2025-07-01', endDate: '2025-07-01', esiids: ['10443720000000001'],
  })).correlationId;
  const statusOf = async (id: string) => (await (await harness.app.reportRequests()).status(id)).statusCode;
  const workerWith = async (options: ReportWorkerOptions, csv?: ReportCsvProducer) =>
    new ReportWorker(new ReportJobStore(await harness.app.db(), 'space-test'), await harness.app.registry(), csv ?? await harness.app.reportCsv(), harness.app.logger, options);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const lines = (pattern: RegExp) => logged.filter((l) => pattern.test(l.message));

  it('claims nothing below the minimum, logs one warning for many polls, and resumes when space returns', async () => {
    const options: ReportWorkerOptions = { ...harness.app.config.reports, ftpsRoot: harness.app.ftpsRoot, minFreeBytes: HUGE };
    const worker = await workerWith(options);
    const id = await queue();
    for (let poll = 0; poll < 5; poll++) expect(await worker.runOnce()).to.equal(false);
    await settle();
    expect(await statusOf(id)).to.equal('PEN');
    expect(worker.pausedForSpace).to.equal(true);
    const paused = lines(/production paused/);
    expect(paused, 'one line however many polls').to.have.length(1);
    expect(paused[0]).to.include({ level: 'warn' });
    expect(paused[0].message).to.contain('SMT_REPORT_MIN_FREE_MB');
    expect(paused[0]).to.have.property('minimumMb', 1_000_000_000);
    options.minFreeBytes = 1024 * 1024; // space "returns": the minimum is now below what the disk has free
    expect(await worker.runOnce()).to.equal(true);
    await settle();
    expect(await statusOf(id)).to.equal('0');
    expect(lines(/production resumed/)).to.have.length(1);
    expect(lines(/production paused/)).to.have.length(1);
  });

  it('stops a report whose writing runs the space low, removes its partial files, and queues it again', async () => {
    const options: ReportWorkerOptions = { ...harness.app.config.reports, ftpsRoot: harness.app.ftpsRoot, minFreeBytes: 0, spaceCheckBytes: 0 };
    // CSV in two chunks, the disk "filling" while the first is written.
    const row = Buffer.from("'10443720000000001,07/01/2025,07/02/2025 06:00:00,00:00,00:15,0.554,A,Consumption\r\n");
    const filling: ReportCsvProducer = {
      async *chunks() {
        options.minFreeBytes = HUGE;
        yield { csv: row, records: 1 };
        yield { csv: row, records: 1 };
      },
      close: async () => undefined,
    };
    const worker = await workerWith(options, filling);
    const id = await queue();
    const before = lines(/production paused/).length;
    expect(await worker.runOnce()).to.equal(false);
    await settle();
    expect(await statusOf(id)).to.equal('PEN');
    expect(lines(/production paused/)).to.have.length(before + 1);
    const request: ReportRequest = (await (await harness.app.db()).query('SELECT status, claimed_by FROM report_request WHERE correlation_id = ?', [id]))[0];
    expect(request).to.deep.include({ status: 'PEN', claimed_by: null });
    const adhoc = path.join(harness.app.ftpsRoot, '200000001', 'adhoc');
    const before0 = fs.existsSync(adhoc) ? fs.readdirSync(adhoc).filter((n) => n.startsWith('.')) : [];
    expect(before0, 'no partial file left behind').to.deep.equal([]);
    options.minFreeBytes = 0;
    expect(await (await workerWith(options)).runOnce()).to.equal(true);
    expect(await statusOf(id)).to.equal('0');

  });
});
