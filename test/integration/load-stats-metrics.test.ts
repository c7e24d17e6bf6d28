import { expect } from 'chai';
import sinon from 'sinon';
import { httpGet } from '../../scripts/lib/serve-process';
import { LoadStatsQuery } from '../../src/availability/load-stats.query';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { addDays, cptToday } from '../../src/core/cpt';
import { startMetricsServer, type RunningMetricsServer } from '../../src/ops/metrics.server';
import type { CliHarness } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';
import {
  ingestLoadStatsDay, statsRecord, STATS_OTHER_ESIID, STATS_OTHER_REP, STATS_OTHER_TDSP as OTHER, STATS_TDSP as TDSP,
} from '../support/load-stats-fixture';

/** Every sample of the smt_load_* families: name, labels, value. */
function loadSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text.split('\n').filter((l) => l.startsWith('smt_load_')).map((line) => {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
}

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`daily load statistics as Prometheus metrics (${engine})`, function () {
    this.timeout(90_000);
    let cli: CliHarness;
    let app: App;
    let server: RunningMetricsServer | null = null;
    let cleanUp: (() => Promise<void>) | undefined;
    let today: string;
    let yesterday: string;
    const v = (suffix: string) => yesterday.replace(/-/g, '') + suffix;
    const start = async (refreshMs: number, registered = [TDSP, OTHER]) => {
      server = await startMetricsServer({
        host: '127.0.0.1', port: 0, role: 'worker', instance: 'load-stats-test', db: () => app.db(), folders: [], ftpsRoot: app.ftpsRoot,
        loadStats: { tdspDuns: async () => registered, refreshMs, days: 2 },
      }, app.logger);
      return server;
    };
    const scrape = async () => {
      const answer = await httpGet(`${server!.url}/metrics`);
      expect(answer.status).to.equal(200);
      return answer.body;
    };
    const value = (text: string, name: string, labels: Record<string, string>) =>
      loadSamples(text).find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value ?? null;
    const refreshedAfter = async (at: number) => {
      for (let i = 0; i < 100; i++) {
        const text = await scrape();
        if ((value(text, 'smt_load_stats_refreshed_timestamp_seconds', {}) ?? 0) * 1000 > at) return text;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the load statistics were not refreshed');
    };

    before(async function () {
      today = cptToday();
      yesterday = addDays(today, -1);
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-load-metrics-'));
      // The receipts smt stats' own test reads.
      await ingestLoadStatsDay(cli, today);
      app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, ...cli.env }));
    });
    afterEach(async () => {
      sinon.restore();
      await server?.close();
      server = null;
    });
    after(async () => {
      await app?.close();
      await cleanUp?.();
    });

    it('exports each TDSP\'s figures for today and yesterday: files, records, rejects by code, estimated share, E→A, late files', async () => {
      const started = Date.now();
      await start(60_000);
      const text = await refreshedAfter(started - 1);
      const today0 = (duns: string) => ({ tdsp_duns: duns, days_ago: '0' });
      const yesterday1 = (duns: string) => ({ tdsp_duns: duns, days_ago: '1' });
      const figures = (labels: Record<string, string>) => ['smt_load_files', 'smt_load_files_rejected', 'smt_load_records', 'smt_load_records_loaded',
        'smt_load_estimated_share', 'smt_load_estimated_to_actual', 'smt_load_late_files'].map((name) => value(text, name, labels));
      // Demo TDSP: 3 files, 1 refused whole; 5 records, 4 loaded; 24 of 384 stored intervals estimated; 24 E became A; 1 late file.
      expect(figures(today0(TDSP))).to.deep.equal([3, 1, 5, 4, 24 / 384, 24, 1]);
      expect(value(text, 'smt_load_records_rejected', { tdsp_duns: TDSP, days_ago: '0', code: '03' })).to.equal(1);
      expect(figures(today0(OTHER))).to.deep.equal([1, 0, 1, 1, 0, 0, 0]);
      // Nothing was received yesterday: zeros (a dashboard sees 0, not a gap), and no share of nothing.
      expect(figures(yesterday1(TDSP))).to.deep.equal([0, 0, 0, 0, null, 0, 0]);
      expect(figures(yesterday1(OTHER))).to.deep.equal([0, 0, 0, 0, null, 0, 0]);
    });

    it('labels series only by TDSP DUNS, receipt day and result code: never an ESI ID, a file name or a REP', async () => {
      const started = Date.now();
      await start(60_000);
      const samples = loadSamples(await refreshedAfter(started - 1));
      expect(samples.length).to.be.greaterThan(10);
      for (const s of samples) {
        expect(Object.keys(s.labels).every((l) => ['tdsp_duns', 'days_ago', 'code'].includes(l)), JSON.stringify(s)).to.equal(true);
        if (s.labels.tdsp_duns !== undefined) expect([TDSP, OTHER]).to.include(s.labels.tdsp_duns);
        if (s.labels.days_ago !== undefined) expect(['0', '1']).to.include(s.labels.days_ago);
        if (s.labels.code !== undefined) expect(s.labels.code).to.match(/^[0-9A-Z]{2}$/);
      }
      const text = await scrape();
      expect(text.split('\n').filter((l) => l.startsWith('smt_load_')).join('\n')).to.not.match(/10443720000|1008901000|200000001|\.lse/);
    });

    it('counts files from a sender that is no registered TDSP under tdsp_duns="other": a label value comes from the registry, never from a file', async () => {
      const started = Date.now();
      await start(60_000, [TDSP]);
      const text = await refreshedAfter(started - 1);
      expect(value(text, 'smt_load_files', { tdsp_duns: 'other', days_ago: '0' })).to.be.at.least(1);
      expect(loadSamples(text).filter((s) => s.labels.tdsp_duns === OTHER)).to.deep.equal([]);
    });

    it('answers scrapes from figures read on a timer, not from a query per scrape, and picks up new files at the next refresh', async () => {
      const queries = sinon.spy(LoadStatsQuery.prototype, 'files');
      const started = Date.now();
      await start(60_000);
      await refreshedAfter(started - 1);
      for (let i = 0; i < 10; i++) await scrape();
      expect(queries.callCount, 'ten scrapes, one read').to.equal(1);
      const more = await cli.ingestJson('--for', 'Other TDSP', cli.writeFile(`${OTHER}IntervalData${v('235900')}001.lse`,
        statsRecord(STATS_OTHER_ESIID, yesterday, v('235900'), { sender: OTHER, rep: STATS_OTHER_REP })));
      expect(more.results[0].status).to.equal('loaded');
      expect(value(await scrape(), 'smt_load_files', { tdsp_duns: OTHER, days_ago: '0' }), 'the cached figure until the next refresh').to.equal(1);
      await server!.close();
      // An instance refreshing every 300 ms sees it at its next read.
      const restarted = Date.now();
      await start(300);
      await refreshedAfter(restarted - 1);
      const refreshed = await refreshedAfter(Date.now());
      expect(value(refreshed, 'smt_load_files', { tdsp_duns: OTHER, days_ago: '0' })).to.equal(2);
      expect(value(refreshed, 'smt_load_records_loaded', { tdsp_duns: OTHER, days_ago: '0' })).to.equal(2);
    });
  });
}
