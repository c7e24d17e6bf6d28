import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { interleave } from '../../src/core/interleave';
import { sqliteFile } from '../../src/db/data-source';
import { reportChunks, type ReportJob } from '../../src/usage/report.generator';
import { SqliteUsageSource } from '../../src/usage/sqlite-usage.source';
import { BENCH_REP, benchEsiids, prefillDays, registerBenchParticipants } from '../../scripts/lib/bench-database';

describe('report parts built side by side', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-parts-'));
  const config = loadConfig({ SMT_DATA_DIR: dir });
  const esiids = benchEsiids(1_100);
  const job = (reportType: ReportJob['reportType']): ReportJob => ({
    reportType, startDate: '2025-07-01', endDate: '2025-07-03', version: 'L', readingType: 'C', esiids,
    scope: { participantId: 2, kind: 'REP', duns: new Set([BENCH_REP]) },
  });

  before(async () => {
    const app = createApp(config);
    await app.db();
    await app.close();
    registerBenchParticipants(sqliteFile(config));
    prefillDays(sqliteFile(config), esiids, '2025-07-01', 3);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const csvOf = async (reportType: ReportJob['reportType'], count: number): Promise<string> => {
    const sources = Array.from({ length: count }, () => new SqliteUsageSource(sqliteFile(config)));
    const parts = sources.map((source, index) => reportChunks(source, job(reportType), { index, count }));
    let csv = '';
    for await (const section of interleave(parts)) csv += Buffer.from(section.csv).toString();
    await Promise.all(sources.map((s) => s.close()));
    return csv;
  };

  for (const reportType of ['INTERVAL', 'DAILY', 'MONTHLY'] as const) {
    it(`gives the same ${reportType} CSV from 1, 2 or 3 parts read in turn`, async () => {
      const whole = await csvOf(reportType, 1);
      expect(whole.split('\r\n').length).to.be.above(1_100);
      expect(await csvOf(reportType, 2)).to.equal(whole);
      expect(await csvOf(reportType, 3)).to.equal(whole);
    });
  }
});
