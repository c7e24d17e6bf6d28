import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type * as soap from 'soap';
import { ReportClaimLost, ReportJobStore } from '../../src/usage/report-job.store';
import { CliHarness } from '../support/cli-harness';
import { call, HanHarness } from '../support/han-harness';
import { createTestDatabase } from '../support/postgres-database';

/**
 * One REP floods the report queue; other REPs and the daily postings still get their turn, and
 * a REP over its limits is refused at submission with a fault saying the limit and when to retry.
 */
for (const dbType of ['sqlite', 'postgres'] as const) {
  describe(`report queue fairness and per-participant limits over signed SOAP (${dbType})`, function () {
    this.timeout(180_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `smt-fair-${dbType}-`));
    const settings: Record<string, string> = { SMT_REPORT_MAX_QUEUED_PER_PARTICIPANT: '8', SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H: '5000' };
    let database: Awaited<ReturnType<typeof createTestDatabase>> = null;
    let harness: HanHarness;
    let repA: soap.Client;
    let repB: soap.Client;
    let repC: soap.Client;

    before(async function () {
      if (dbType === 'postgres') {
        database = await createTestDatabase('smt_fair');
        if (!database) this.skip();
        Object.assign(settings, { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
      }
      harness = new HanHarness(dataDir, settings);
      await harness.start({ mock: false });
      const key = fs.readFileSync(harness.participant('REP').pgpPublicKeyPath, 'utf8');
      const b = await harness.addParticipant('Second REP', 'REP', '200000002');
      const c = await harness.addParticipant('Third REP', 'REP', '200000003');
      const registry = await harness.app.registry();
      for (const name of ['Second REP', 'Third REP']) await registry.updateParticipant(name, { pgpPublicKey: key });
      await harness.importRegistry('esiids-bc.csv', ['esiid,tdsp_duns,meter_number', '10443720000000007,100000001,M0000007', '10443720000000008,100000001,M0000008']);
      await harness.importRegistry('ror-bc.csv', ['esiid,rep_duns,effective_from,effective_to', '10443720000000007,200000002,2024-01-01,', '10443720000000008,200000003,2024-01-01,']);
      repA = await harness.client('MeterUsage', harness.files(harness.participant('REP')));
      repB = await harness.client('MeterUsage', b);
      repC = await harness.client('MeterUsage', c);
    });
    after(async () => {
      await harness?.stop();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const submit = (client: soap.Client, duns: string, esiid: string, from = '07/01/2025', to = '07/01/2025') => call<{ correlationId: string; statusCode: string }>(client, 'SubmitUsageRequest', {
      trans_id: 'T', requestorID: 'ops', requesterType: 'ROR', requesterAuthenticationID: duns,
      reportType: 'INTERVAL', startDate: from, endDate: to, version: 'L', readingType: 'C', esiid: [esiid],
    });
    const queued = async (client: soap.Client, duns: string, esiid: string, from?: string, to?: string): Promise<string> => {
      const r = await submit(client, duns, esiid, from, to);
      expect(r.fault, JSON.stringify(r.fault)).to.equal(undefined);
      expect(r.result!.statusCode).to.equal('PEN');
      return r.result!.correlationId;
    };
    const statusOf = async (client: soap.Client, correlationId: string): Promise<string> =>
      (await call<{ statusCode: string }>(client, 'GetUsageRequestStatus', { trans_id: 'S', requestorID: 'ops', correlationId })).result!.statusCode;
    const worker = () => harness.app.reportWorker();
    const drain = async () => {
      while (await (await worker()).runOnce());
    };

    it('produces a second REP\'s one request before the backlog a first REP queued ahead of it', async () => {
      const backlog: string[] = [];
      for (let i = 0; i < 6; i++) backlog.push(await queued(repA, '200000001', `1044372000000000${1 + (i % 5)}`));
      const single = await queued(repB, '200000002', '10443720000000007');
      expect(await (await worker()).runOnce()).to.equal(true);
      expect(await (await worker()).runOnce()).to.equal(true);
      expect(await statusOf(repB, single), 'the second REP was served second').to.equal('0');
      const backlogStatus = await Promise.all(backlog.map((id) => statusOf(repA, id)));
      expect(backlogStatus.filter((s) => s === 'PEN')).to.have.length(5);
      await drain();
      expect(await Promise.all(backlog.map((id) => statusOf(repA, id)))).to.deep.equal(['0', '0', '0', '0', '0', '0']);
    });

    it('produces the daily postings before an ad-hoc flood that was queued first', async () => {
      for (let i = 0; i < 4; i++) await queued(repA, '200000001', '10443720000000001');
      await queued(repB, '200000002', '10443720000000007');
      const posted = await (await harness.app.dailyPostings()).post('2025-07-01', { duns: '200000001' });
      expect(posted[0].status).to.equal('queued');
      const requests = await harness.app.reportRequests();
      expect(await (await worker()).runOnce()).to.equal(true);
      expect(await (await worker()).runOnce()).to.equal(true);
      const postings = await Promise.all(posted[0].correlationIds.map((id) => requests.status(id)));
      expect(postings.map((p) => p.statusCode), 'both postings first').to.deep.equal(['0', '0']);
      expect((await requests.list('PEN')).length).to.equal(5);
      await drain();
    });

    it('never gives one request to two workers claiming at once, and still rotates between participants', async () => {
      for (let i = 0; i < 4; i++) await queued(repA, '200000001', '10443720000000002');
      for (let i = 0; i < 2; i++) await queued(repB, '200000002', '10443720000000007');
      const db = await harness.app.db();
      const stores = ['worker-1', 'worker-2', 'worker-3'].map((id) => new ReportJobStore(db, id));
      const rounds: { id: number; participantId: number; store: ReportJobStore }[][] = [];
      for (;;) {
        const round = (await Promise.all(stores.map(async (store) => ({ store, request: await store.claim(new Date()) })))).filter((c) => c.request !== null);
        if (round.length === 0) break;
        rounds.push(round.map(({ store, request }) => ({ id: request!.id, participantId: request!.participantId, store })));
      }
      const claimed = rounds.flat();
      expect(new Set(claimed.map((c) => c.id)).size, 'no request claimed twice').to.equal(claimed.length);
      expect(claimed).to.have.length(6);
      expect(new Set(rounds[0].map((c) => c.participantId)).size, 'three workers at once serve both participants').to.equal(2);
      for (const c of claimed) await c.store.finish(c.id, 'ERR', 'ended by the test', new Date(), null);
    });

    it('lets a worker whose claim lapsed neither stage nor fail the request: the worker that took it over delivers it once', async () => {
      const correlationId = await queued(repB, '200000002', '10443720000000007');
      const db = await harness.app.db();
      const slow = new ReportJobStore(db, 'slow-worker');
      const taken = await slow.claim(new Date(Date.now() - 3_600_000));
      expect(taken?.correlationId).to.equal(correlationId);
      // The slow worker stopped renewing: its claim is released as stale and the next worker produces the report.
      await (await worker()).recover();
      expect(await (await worker()).runOnce()).to.equal(true);
      const requests = await harness.app.reportRequests();
      const delivered = await requests.status(correlationId);
      expect(delivered.statusCode).to.equal('0');
      let lost: unknown = null;
      await slow.stage(taken!.id, [{ fileName: 'late.asc', path: '/nowhere/late.asc', partialPath: '/nowhere/.late.asc', records: 1, bytes: 1 }], 1, new Date()).catch((e: unknown) => (lost = e));
      expect(lost).to.be.instanceOf(ReportClaimLost);
      await slow.finish(taken!.id, 'ERR', 'should not count', new Date(), null);
      const after = await requests.status(correlationId);
      expect(after.statusCode, 'the late worker changed nothing').to.equal('0');
      expect(after.files.map((f) => f.fileName)).to.deep.equal(delivered.files.map((f) => f.fileName));
    });

    it('refuses a REP over its queue limit with a fault saying the limit and when to try again', async () => {
      for (let i = 0; i < 8; i++) await queued(repA, '200000001', '10443720000000003');
      const refused = await submit(repA, '200000001', '10443720000000003');
      expect(refused.fault?.code).to.equal('REPORT_QUEUE_FULL');
      expect(refused.fault?.message).to.contain('8 of your report requests are waiting').and.contain('at most 8').and.contain('when one of them is delivered');
      expect(refused.raw).to.contain('<faultcode>soap:Client</faultcode>');
      await queued(repB, '200000002', '10443720000000007');
      expect(await (await worker()).runOnce()).to.equal(true);
      await queued(repA, '200000001', '10443720000000003');
      await drain();
    });

    it('lets no more than the limit through when one REP submits many requests at the same moment', async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => submit(repA, '200000001', '10443720000000004')));
      expect(answers.filter((a) => a.result?.statusCode === 'PEN')).to.have.length(8);
      expect(answers.filter((a) => a.fault?.code === 'REPORT_QUEUE_FULL')).to.have.length(4);
      await drain();
    });

    it('refuses rows beyond the rolling 24-hour allowance, over SOAP and in the CLI, saying when the request fits', async () => {
      const tooBig = await submit(repC, '200000003', '10443720000000008', '05/01/2025', '06/29/2025');
      expect(tooBig.fault?.code).to.equal('REPORT_ROW_LIMIT');
      expect(tooBig.fault?.message).to.contain('5760 rows').and.contain('at most 5000').and.contain('split');
      await queued(repC, '200000003', '10443720000000008', '06/01/2025', '07/10/2025');
      const over = await submit(repC, '200000003', '10443720000000008', '05/01/2025', '05/20/2025');
      expect(over.fault?.code).to.equal('REPORT_ROW_LIMIT');
      expect(over.fault?.message).to.contain('3840 rows in the last 24 hours').and.contain('adds 1920').and.match(/fits from \d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      const cli = new CliHarness('', settings, dataDir);
      const r = await cli.run('report', '--type', 'interval', '--duns', '200000003', '--from', '05/01/2025', '--to', '05/20/2025', '--esiid', '10443720000000008', '--deliver');
      expect(r.status).to.equal(2);
      expect(r.err).to.contain('3840 rows in the last 24 hours');
    });
  });
}
