import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { cptToday } from '../../src/core/cpt';
import { historyStart } from '../../src/usage/report-request.rules';
import { PostingScheduler } from '../../src/usage/posting.scheduler';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';

describe('daily posting schedule', () => {
  let cli: CliHarness;
  let app: App;
  let scheduler: PostingScheduler;
  // 05:00 CDT on 2025-07-02, an hour before the default posting time: yesterday is 2025-07-01.
  const beforePostingTime = new Date('2025-07-02T10:00:00Z');
  const postingCount = async () => Number((await (await app.db()).query('SELECT count(*) AS n FROM daily_posting'))[0].n);

  beforeEach(async () => {
    cli = new CliHarness('smt-schedule-');
    await importRegistryFixtures(cli);
    app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir }));
    scheduler = new PostingScheduler(await app.dailyPostings(), await app.retention(), app.logger, { postingTime: '06:00', checkMs: 60_000 });
  });
  afterEach(async () => {
    sinon.restore();
    await app.close();
    cli.remove();
  });

  // 07:00 CDT on 2025-07-03, past the posting time: yesterday is 2025-07-02.
  const nextMorning = new Date('2025-07-03T12:00:00Z');
  /** An upload the retention period (10 days) has run out on: it goes when retention runs. */
  const staleUpload = (): string => {
    const file = path.join(app.ftpsRoot, '100000001', 'processed', 'stale.lse');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'old');
    const longAgo = new Date(nextMorning.getTime() - 30 * 86_400_000);
    fs.utimesSync(file, longAgo, longAgo);
    return file;
  };
  /** The first log line with this message, once winston has written it. */
  const logLine = async (message: string): Promise<Record<string, unknown> | undefined> => {
    const file = path.join(cli.dataDir, 'logs', 'smt.log');
    for (let i = 0; i < 40; i++) {
      const found = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.message === message);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  };
  const loadBothTdsps = () => cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'), lseFixture('100000002IntervalData20250702060000001.lse'));

  it('keeps posting, and applies retention, after a TDSP revised a day older than the history kept', async () => {
    await loadBothTdsps();
    await scheduler.tick(beforePostingTime);
    expect(await postingCount()).to.equal(3);
    // Loaded while its day was within the 48 months (a load on 2025-07-03); by today's clock it is older.
    const oldDay = '2022-07-01';
    const file = path.join(cli.dataDir, 'revision.lse');
    fs.writeFileSync(file, formatLseRecord({ esiid: '10443720000000001', channel: 4, day: oldDay, version: '20250703050000', sender: '100000001', rep: '200000001', values: Array(96).fill(0.5) })
      + formatLseRecord({ esiid: '10443720000000001', channel: 4, day: '2025-07-02', version: '20250703050000', sender: '100000001', rep: '200000001', values: Array(96).fill(0.5) }), 'latin1');
    const loaded = await (await app.ingestService()).newRun({ kind: 'operator', osUser: 'test' }).loadFile({ displayName: 'revision.lse', lsePath: file, sizeBytes: fs.statSync(file).size }, undefined, new Date('2025-07-03T10:00:00Z'));
    expect(loaded.byCode).to.deep.equal({ '00': 2 });
    const stale = staleUpload();

    await scheduler.tick(nextMorning);
    expect(await postingCount(), 'every REP DUNS posted 2025-07-02').to.equal(6);
    const requests: { requester_duns: string; start_date: string; end_date: string }[] = await (await app.db()).query(
      "SELECT requester_duns, start_date, end_date FROM report_request WHERE kind = 'daily' AND end_date = '2025-07-02' AND requester_duns = '200000001'");
    expect(requests.map((r) => r.start_date), 'revisions re-sent from the oldest day still kept').to.deep.equal(Array(2).fill(historyStart('INTERVAL', cptToday())));
    expect(fs.existsSync(stale), 'retention ran').to.equal(false);
  });

  it('posts each REP DUNS on its own: one that fails is logged and posted at the next pass, the others are not held up', async () => {
    await loadBothTdsps();
    const requests = await app.reportRequests();
    const submit = requests.submit.bind(requests);
    let failures = 0;
    sinon.stub(requests, 'submit').callsFake(async (input, options) => {
      if (input.requesterDuns === '2000000011234' && failures++ === 0) throw new Error('the disk is full');
      return submit(input, options);
    });
    const stale = staleUpload();
    await scheduler.tick(nextMorning);
    const posted = async () => ((await (await app.db()).query("SELECT rep_duns FROM daily_posting WHERE operating_day = '2025-07-02' ORDER BY rep_duns")) as { rep_duns: string }[]).map((r) => r.rep_duns);
    expect(await posted()).to.deep.equal(['200000001', '200000002']);
    expect(fs.existsSync(stale), 'retention ran').to.equal(false);
    expect(await logLine('daily posting: failed for a REP DUNS; it is tried again at the next pass')).to.include({ duns: '2000000011234', day: '2025-07-02', error: 'the disk is full' });
    await scheduler.tick(new Date(nextMorning.getTime() + 60_000));
    expect(await posted()).to.deep.equal(['200000001', '2000000011234', '200000002']);
    expect(await postingCount()).to.equal(3);
  });

  it('retries a DUNS whose daily-read request failed without queuing its interval request again', async () => {
    await loadBothTdsps();
    const requests = await app.reportRequests();
    const submit = requests.submit.bind(requests);
    let failures = 0;
    sinon.stub(requests, 'submit').callsFake(async (input, options) => {
      if (input.requesterDuns === '200000001' && input.reportType === 'DAILY' && failures++ === 0) throw new Error('the disk is full');
      return submit(input, options);
    });
    await scheduler.tick(nextMorning);
    await scheduler.tick(new Date(nextMorning.getTime() + 60_000));
    expect(failures, 'the daily-read submission failed once, then went through').to.equal(2);
    const db = await app.db();
    const queued: { id: number; report_type: string }[] = await db.query(
      "SELECT id, report_type FROM report_request WHERE kind = 'daily' AND requester_duns = '200000001' AND end_date = '2025-07-02' ORDER BY report_type");
    expect(queued.map((r) => r.report_type)).to.deep.equal(['DAILY', 'INTERVAL']);
    const [posting]: { interval_request_id: number; daily_request_id: number }[] = await db.query(
      "SELECT interval_request_id, daily_request_id FROM daily_posting WHERE operating_day = '2025-07-02' AND rep_duns = '200000001'");
    expect([posting.daily_request_id, posting.interval_request_id]).to.deep.equal(queued.map((r) => r.id));
  });

  it('applies retention even when the daily posting cannot run at all', async () => {
    await loadBothTdsps();
    sinon.stub(await app.dailyPostings(), 'posted').rejects(new Error('the database is locked'));
    const stale = staleUpload();
    await scheduler.tick(nextMorning);
    expect(fs.existsSync(stale)).to.equal(false);
  });

  it('waits until every TDSP has sent the day, then posts each REP DUNS once', async () => {
    await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'));
    await scheduler.tick(beforePostingTime);
    expect(await postingCount(), 'TDSP 100000002 has not sent 2025-07-01 yet').to.equal(0);
    await cli.ingestJson(lseFixture('100000002IntervalData20250702060000001.lse'));
    await scheduler.tick(beforePostingTime);
    // Demo REP (two DUNS) and Second REP: every REP DUNS is posted.
    expect(await postingCount()).to.equal(3);
    await scheduler.tick(new Date(beforePostingTime.getTime() + 3_600_000));
    expect(await postingCount(), 'a day is never posted twice unless asked').to.equal(3);
  });

  it('counts a day as posted when a REP DUNS without ESI IDs has nothing to post', async () => {
    await (await app.registry()).addParticipant({ name: 'New REP', kind: 'REP', duns: ['200000099'] });
    await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'), lseFixture('100000002IntervalData20250702060000001.lse'));
    await scheduler.tick(beforePostingTime);
    expect(await postingCount()).to.equal(3);
    expect(await (await app.dailyPostings()).posted('2025-07-01')).to.equal(true);
  });

  it('posts at the posting time even when a TDSP is late', async () => {
    await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'));
    await scheduler.tick(new Date('2025-07-02T11:05:00Z'));
    expect(await postingCount()).to.equal(3);
  });
});
