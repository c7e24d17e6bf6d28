import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
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
    await app.close();
    cli.remove();
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
