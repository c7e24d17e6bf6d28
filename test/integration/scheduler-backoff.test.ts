import { expect } from 'chai';
import sinon from 'sinon';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import type { RetentionService } from '../../src/delivery/retention.service';
import { instanceLeases, schedulerLeases } from '../../src/serve/serve-roles';
import type { DailyPostingService } from '../../src/usage/daily-posting.service';
import { PostingScheduler, type DailyJob } from '../../src/usage/posting.scheduler';
import { backoffMs, MAX_BACKOFF_MS } from '../../src/usage/unit-backoff';
import { engineHarness } from '../support/engine-harness';

const FAILED = 'scheduler: per-tdsp failed; it is tried again from nextAttempt';

describe('scheduler backoff: the wait after each failure in a row', () => {
  it('is one check interval, then doubles, and never exceeds an hour', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 60_000))).to.deep.equal([60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000]);
    expect(backoffMs(7, 60_000)).to.equal(MAX_BACKOFF_MS);
    expect(backoffMs(10_000, 60_000)).to.equal(3_600_000);
  });
});

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`scheduler: a failing daily unit backs off, across instances, and holds up no other unit (${engine})`, function () {
    this.timeout(60_000);
    const apps: App[] = [];
    let cleanUp: (() => Promise<void>) | undefined;
    let env: Record<string, string>;
    let dataDir: string;

    before(async function () {
      const harness = await engineHarness(this, engine, 'smt-scheduler-backoff-');
      cleanUp = harness.cleanUp;
      env = harness.cli.env;
      dataDir = harness.cli.dataDir;
    });
    afterEach(() => sinon.restore());
    after(async () => {
      for (const app of apps) await app.close();
      await cleanUp?.();
    });

    // A job with three units; `broken` says which fail. Every run is counted.
    const broken = new Set<string>();
    const runs: string[] = [];
    const job: DailyJob = {
      name: 'per-tdsp', at: '07:00',
      units: async () => ['100000001', '100000002', '100000003'],
      async run(_now, unit) {
        runs.push(unit!);
        if (broken.has(unit!)) throw new Error(`the key of ${unit} is broken`);
        return { unit };
      },
    };
    /** One more instance on the same database: its own App and lease holder, the real lease wiring. */
    const instance = async () => {
      const app = createApp(loadConfig({ SMT_DATA_DIR: dataDir, ...env }));
      apps.push(app);
      const { exclusive, retries } = schedulerLeases(await instanceLeases(app), app.logger, 60_000);
      const postings = { posted: async () => true } as unknown as DailyPostingService;
      const retention = { run: async () => ({}) } as unknown as RetentionService;
      const scheduler = new PostingScheduler(postings, retention, app.logger, { postingTime: '06:00', checkMs: 60_000 }, exclusive, [job], retries);
      return { scheduler, info: sinon.spy(app.logger, 'info'), error: sinon.spy(app.logger, 'error') };
    };
    const messages = (spy: sinon.SinonSpy, message: string) => spy.getCalls().filter((c) => c.args[0] === message).map((c) => c.args[1] as Record<string, unknown>);
    // 09:30 Central Prevailing Time (CST) on 2026-12-05, past the job's 07:00; `s` seconds later.
    const t0 = new Date('2026-12-05T15:30:00.000Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);

    it('is not retried before its backoff ends, on this instance or another; is retried after; the other units run once', async () => {
      const [a, b] = [await instance(), await instance()];
      broken.add('100000002');
      await a.scheduler.tick(t0);
      expect(runs).to.deep.equal(['100000001', '100000002', '100000003']);
      expect(messages(a.error, FAILED)).to.deep.equal([{
        day: '2026-12-05', unit: '100000002', error: 'the key of 100000002 is broken', failures: 1, nextAttempt: at(60).toISOString(),
      }]);

      // Half a check later, on the other instance: the failed unit waits, the done ones are not run again, and nothing is logged.
      runs.length = 0;
      await b.scheduler.tick(at(30));
      expect(runs).to.deep.equal([]);
      expect(b.error.callCount + b.info.getCalls().filter((c) => String(c.args[0]).startsWith('scheduler: per-tdsp')).length).to.equal(0);

      // From the next attempt time it is tried again; failing again, it waits twice as long.
      await a.scheduler.tick(at(60));
      expect(runs).to.deep.equal(['100000002']);
      expect(messages(a.error, FAILED).at(-1)).to.include({ failures: 2, nextAttempt: at(180).toISOString() });
      for (const [scheduler, s] of [[b.scheduler, 61], [a.scheduler, 120], [b.scheduler, 179]] as const) await scheduler.tick(at(s));
      expect(runs, 'no attempt inside the doubled backoff, whichever instance checks').to.deep.equal(['100000002']);

      // Mended: the first check from the next attempt time runs it, and the day is done.
      broken.delete('100000002');
      await b.scheduler.tick(at(180));
      expect(runs).to.deep.equal(['100000002', '100000002']);
      expect(messages(b.info, 'scheduler: per-tdsp applied').map((l) => l.unit)).to.deep.equal(['100000002']);
      await a.scheduler.tick(at(181));
      expect(runs).to.have.length(2);
    });

    it('a success clears the backoff: the next day, the unit that failed runs at the first check and another failing unit waits alone', async () => {
      const [a] = [await instance()];
      runs.length = 0;
      broken.add('100000003');
      const nextDay = at(86_400);
      await a.scheduler.tick(nextDay);
      expect(runs).to.deep.equal(['100000001', '100000002', '100000003']);
      expect(messages(a.error, FAILED).map((l) => [l.unit, l.failures])).to.deep.equal([['100000003', 1]]);
      runs.length = 0;
      await a.scheduler.tick(new Date(nextDay.getTime() + 30_000));
      expect(runs).to.deep.equal([]);
      broken.delete('100000003');
      await a.scheduler.tick(new Date(nextDay.getTime() + 60_000));
      expect(runs).to.deep.equal(['100000003']);
    });
  });
}
