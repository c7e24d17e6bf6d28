import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { PARTIAL_PREFIX } from '../../src/delivery/atomic-write';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import type { ReportCsvProducer } from '../../src/usage/report-csv.producer';
import { ReportJobStore } from '../../src/usage/report-job.store';
import { ReportWorker } from '../../src/usage/report.worker';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';
import { createTestDatabase } from '../support/postgres-database';

/**
 * A report worker that stalls past its claim (a long pause, a lost connection) finds, when it comes
 * to stage its files, that another worker took the request over and delivered it. Through the
 * worker itself: it logs so, removes what it wrote, and changes nothing of the request or its files.
 */
for (const dbType of ['sqlite', 'postgres'] as const) {
  describe(`a report worker whose claim lapsed mid-report (${dbType})`, function () {
    this.timeout(120_000);
    let database: Awaited<ReturnType<typeof createTestDatabase>> = null;
    let cli: CliHarness;
    let app: App;
    let gpg: GpgHome;

    before(async function () {
      const env: Record<string, string> = {};
      if (dbType === 'postgres') {
        database = await createTestDatabase('smt_claim_lapse');
        if (!database) this.skip();
        Object.assign(env, { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
      }
      cli = new CliHarness(`smt-claim-lapse-${dbType}-`, env);
      gpg = new GpgHome();
      await importRegistryFixtures(cli);
      expect((await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'))).results[0].status).to.equal('loaded');
      const key = await generatePgpKeyPair({ name: 'Demo REP', email: 'rep@demo.example' });
      gpg.importKey(key.privateArmored);
      const keyFile = path.join(cli.dataDir, 'rep-public.asc');
      fs.writeFileSync(keyFile, key.publicArmored);
      expect((await cli.run('entity', 'update', 'Demo REP', '--pgp-key', keyFile)).status).to.equal(0);
      app = createApp(loadConfig(cli.childEnv()));
    });
    after(async () => {
      sinon.restore();
      await app?.close();
      cli?.remove();
      gpg?.remove();
      await database?.drop();
    });

    it('logs that the claim lapsed, removes its partial file, and leaves the request and the files to the worker that delivered it', async () => {
      const queued = await cli.run('report', '--type', 'interval', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025',
        ...['1', '2', '3', '4', '5'].flatMap((n) => ['--esiid', `1044372000000000${n}`]), '--deliver');
      expect(queued.status, queued.err).to.equal(0);
      const correlationId = /correlation id (\S+):/.exec(queued.out)![1];
      const db = await app.db();
      const registry = await app.registry();
      const csv = await app.reportCsv();
      const options = { ftpsRoot: app.ftpsRoot, ...loadConfig(cli.childEnv()).reports };
      const folder = path.join(app.ftpsRoot, '200000001', 'adhoc');
      const holder = new ReportWorker(new ReportJobStore(db, 'holder'), registry, csv, app.logger, options);
      const seenWhileStalled: string[] = [];
      // The late worker has written its whole CSV (a partial file on disk) when it stalls; meanwhile its claim is released and another worker delivers.
      const stalling: ReportCsvProducer = {
        async *chunks(job) {
          yield* csv.chunks(job);
          seenWhileStalled.push(...fs.readdirSync(folder));
          expect(await new ReportJobStore(db, 'sweeper').releaseStale(new Date(Date.now() + 60_000))).to.equal(1);
          expect(await holder.runOnce()).to.equal(true);
        },
        close: () => csv.close(),
      };
      const warn = sinon.spy(app.logger, 'warn');
      const error = sinon.spy(app.logger, 'error');
      const late = new ReportWorker(new ReportJobStore(db, 'late'), registry, stalling, app.logger, options);
      try {
        expect(await late.runOnce()).to.equal(true);
      } finally {
        sinon.restore();
      }
      expect(seenWhileStalled.filter((n) => n.startsWith(PARTIAL_PREFIX)), 'the late worker had a partial file').to.have.length(1);
      const lapsed = warn.getCalls().map((c) => c.args as unknown[]).find((args) => args[0] === 'report: claim lapsed during production; the worker now holding it delivers the report');
      expect(lapsed?.[1]).to.deep.equal({ correlationId });
      expect(error.called, 'not logged as a failure').to.equal(false);
      const status = await (await app.reportRequests()).status(correlationId);
      expect(status.statusCode, 'delivered once, by the holder').to.equal('0');
      const onDisk = fs.readdirSync(folder).sort();
      expect(onDisk, 'nothing left by the late worker').to.deep.equal(status.files.map((f) => f.fileName).sort());
      expect(onDisk).to.have.length(1);
      const rows = unzipOnly(gpg.decrypt(path.join(folder, onDisk[0])), cli.dataDir).content.toString('latin1').split('\r\n').filter(Boolean);
      expect(rows).to.have.length(1 + 5 * 96);
    });
  });
}
