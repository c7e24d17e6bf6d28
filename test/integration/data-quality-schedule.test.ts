import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { addDays, cptToday } from '../../src/core/cpt';
import { instanceLeases, workerScheduler } from '../../src/serve/serve-roles';
import type { PostingScheduler } from '../../src/usage/posting.scheduler';
import { CliHarness, importRegistryFixtures } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';

const TDSP = '100000001';
const OTHER_TDSP = '100000002'; // one ESI ID: 1008901000000000000001, REP 2000000011234
const REP = '200000001'; // Demo REP: 0001-0005
const E07 = '10443720000000007';
const SCHEDULE = { SMT_MISSING_CONSUMPTION_TIME: '07:00', SMT_EXTRACT_TIME: '09:00' };

/**
 * Instants that fall on the same side of both times whether the day is on CST (UTC−6) or CDT (UTC−5):
 * before 07:00, between 07:00 and 09:00, after 09:00 Central Prevailing Time.
 */
const early = (day: string) => new Date(`${day}T11:30:00Z`);
const between = (day: string) => new Date(`${day}T13:05:00Z`);
const late = (day: string, minute = 30) => new Date(`${day}T15:${String(minute).padStart(2, '0')}:00Z`);

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`the worker's scheduler: Missing Consumption Reports and supplemental extracts once a day (${engine})`, function () {
    this.timeout(120_000);
    let cli: CliHarness;
    let gpg: GpgHome;
    let cleanUp: (() => Promise<void>) | undefined;
    const apps: App[] = [];
    // Loaded today: the extract of three days from now carries these loads.
    let today: string;
    let D: string;

    /** One more instance on the same database and folders: its own App, its own lease holder. */
    const instance = async (): Promise<{ app: App; scheduler: PostingScheduler; info: sinon.SinonSpy; error: sinon.SinonSpy }> => {
      const app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, ...cli.env, ...SCHEDULE }));
      apps.push(app);
      const info = sinon.spy(app.logger, 'info');
      const error = sinon.spy(app.logger, 'error');
      return { app, scheduler: await workerScheduler(app, await instanceLeases(app)), info, error };
    };
    const sharedDb = () => apps[0]!.db();
    const reportFile = (duns: string, day: string) => path.join(cli.dataDir, 'ftps', duns, 'reports', `MissingConsumption.${duns}.${day.replace(/-/g, '')}.csv`);
    const extracts = (duns: string) => {
      const folder = path.join(cli.dataDir, 'ftps', duns, 'extracts');
      return fs.existsSync(folder) && fs.statSync(folder).isDirectory() ? fs.readdirSync(folder).sort().map((f) => path.join(folder, f)) : [];
    };
    const decrypted = (file: string) => unzipOnly(gpg.decrypt(file), cli.dataDir).content.toString('utf8').trim().split('\r\n');
    /** Log lines `message` with day `day`, across the given spies. */
    const logged = (spies: sinon.SinonSpy[], message: string, day: string) =>
      spies.flatMap((s) => s.getCalls()).filter((c) => c.args[0] === message && (c.args[1] as { day?: string })?.day === day).map((c) => c.args[1] as Record<string, unknown>);

    before(async function () {
      today = cptToday();
      D = addDays(today, 3);
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-dq-schedule-'));
      gpg = new GpgHome();
      await importRegistryFixtures(cli);
      for (const [name, duns] of [['Demo REP', REP], ['Demo TDSP', TDSP]] as const) {
        await gpg.keyParticipant(cli, name);
        expect((await cli.run('extract', 'subscribe', '--duns', duns)).status).to.equal(0);
      }
      // Yesterday's consumption of 0001, 0002 and 0007, loaded today.
      const day = addDays(today, -1);
      const text = ['01', '02', '07'].map((n) => formatLseRecord({ esiid: `104437200000000${n}`, channel: 4, day, version: day.replace(/-/g, '') + '230000',
        sender: TDSP, rep: null, values: Array(96).fill(0.25) })).join('');
      const file = cli.writeFile(`${TDSP}IntervalData${day.replace(/-/g, '')}230000001.lse`, text);
      expect((await cli.ingestJson(file)).results[0].records.byCode).to.deep.equal({ '00': 3 });
    });
    afterEach(() => sinon.restore());
    after(async () => {
      for (const app of apps) await app.close();
      gpg?.remove();
      await cleanUp?.();
    });

    it('catches up on start when the instance was down at the hour, writes every TDSP\'s report and every extract, and a restart the same day runs neither again', async () => {
      const first = await instance();
      await first.scheduler.tick(late(D));

      const report = fs.readFileSync(reportFile(TDSP, D), 'utf8').trim().split('\r\n');
      expect(report[0]).to.equal('TDSP_DUNS,ESIID,OPERATING_DAY,REP_DUNS');
      // 38 days × the 10 ESI IDs served, less the three loaded for yesterday.
      expect(report).to.have.length(1 + 38 * 10 - 3);
      const yesterday = report.filter((l) => l.split(',')[2] === addDays(today, -1)).map((l) => l.split(',')[1]);
      expect(yesterday).to.deep.equal(['03', '04', '05', '06', '08', '09', '10'].map((n) => `'104437200000000${n}`));
      expect(report.filter((l) => l.split(',')[2] === addDays(D, -38))).to.have.length(10);
      expect(report.some((l) => l.split(',')[2] === addDays(D, -39) || l.split(',')[2] === D)).to.equal(false);
      expect(fs.statSync(reportFile(TDSP, D)).mode & 0o777).to.equal(0o600);
      // The same answer `smt missing-consumption` gives for that day.
      expect(fs.readFileSync(reportFile(OTHER_TDSP, D), 'utf8')).to.equal((await cli.run('missing-consumption', '--tdsp', OTHER_TDSP, '--day', D)).out);
      expect(fs.readFileSync(reportFile(OTHER_TDSP, D), 'utf8').trim().split('\r\n')).to.have.length(1 + 38);

      const [repFile] = extracts(REP);
      const rep = decrypted(repFile!);
      expect(rep[0]).to.equal('ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION');
      expect(new Set(rep.slice(1).map((l) => l.split(',')[0]))).to.deep.equal(new Set(["'10443720000000001", "'10443720000000002"]));
      expect(rep).to.have.length(1 + 2 * 96);
      expect(new Set(decrypted(extracts(TDSP)[0]!).slice(1).map((l) => l.split(',')[0]))).to.deep.equal(new Set(["'10443720000000001", "'10443720000000002", "'10443720000000007"]));
      expect(logged([first.info], 'scheduler: missing-consumption applied', D).map((l) => [l.unit, l.esiidDays])).to.deep.equal([[TDSP, 377], [OTHER_TDSP, 38]]);
      expect(logged([first.info], 'scheduler: supplemental-extract applied', D)).to.deep.equal([{ day: D, extractDay: D, subscribers: 2, records: 5 }]);

      // Restarted later the same day (a new instance id): nothing is done twice.
      const written = fs.statSync(reportFile(TDSP, D)).mtimeMs;
      const restarted = await instance();
      await restarted.scheduler.tick(late(D, 45));
      await first.scheduler.tick(late(D, 50));
      expect(logged([first.info, restarted.info], 'scheduler: missing-consumption applied', D)).to.have.length(2);
      expect(logged([first.info, restarted.info], 'scheduler: supplemental-extract applied', D)).to.have.length(1);
      expect(fs.statSync(reportFile(TDSP, D)).mtimeMs).to.equal(written);
      expect(extracts(REP)).to.have.length(1);
      expect(extracts(TDSP)).to.have.length(1);
    });

    it('runs nothing before its configured time, the report from its time and the extract from its own', async () => {
      const day = addDays(D, 1);
      const { scheduler, info } = await instance();
      await scheduler.tick(early(day));
      expect(fs.existsSync(reportFile(TDSP, day))).to.equal(false);
      expect(extracts(REP)).to.have.length(1);
      await scheduler.tick(between(day));
      expect(fs.existsSync(reportFile(TDSP, day))).to.equal(true);
      expect(fs.existsSync(reportFile(OTHER_TDSP, day))).to.equal(true);
      expect(extracts(REP), 'the extract waits for 09:00').to.have.length(1);
      await scheduler.tick(late(day));
      expect(extracts(REP)).to.have.length(2);
      // Nothing was loaded on the extract's load day: a header-only file, as on ERCOT's quiet days.
      expect(decrypted(extracts(REP)[1]!)).to.have.length(1);
      expect(logged([info], 'scheduler: missing-consumption applied', day)).to.have.length(2);
    });

    it('isolates failures: a TDSP whose report cannot be written, or a subscriber whose extract cannot be, holds up no one and is retried at the next check with the reason logged', async () => {
      const day = addDays(D, 2);
      const { scheduler, info, error } = await instance();
      // A file where the TDSP's reports/ folder belongs, and where the REP's extracts/ folder belongs.
      const reports = path.dirname(reportFile(TDSP, day));
      const repExtracts = path.join(cli.dataDir, 'ftps', REP, 'extracts');
      fs.renameSync(reports, `${reports}.aside`);
      fs.writeFileSync(reports, 'not a folder');
      fs.renameSync(repExtracts, `${repExtracts}.aside`);
      fs.writeFileSync(repExtracts, 'not a folder');
      try {
        await scheduler.tick(late(day));
        expect(fs.existsSync(reportFile(OTHER_TDSP, day)), 'the other TDSP gets its report').to.equal(true);
        expect(extracts(TDSP), 'the other subscriber gets its extract').to.have.length(3);
        const failures = logged([error], 'scheduler: missing-consumption failed; it is tried again from nextAttempt', day);
        expect(failures).to.have.length(1);
        expect(failures[0]).to.include({ unit: TDSP });
        expect(String(failures[0]!.error)).to.match(/ENOTDIR|EEXIST/);
        const extractFailure = logged([error], 'scheduler: supplemental-extract failed; it is tried again from nextAttempt', day);
        expect(extractFailure).to.have.length(1);
        expect(String(extractFailure[0]!.error)).to.contain(`the extract of ${day} failed for ${REP} (`).and.contain(`delivered to ${TDSP}`);
      } finally {
        fs.rmSync(reports);
        fs.renameSync(`${reports}.aside`, reports);
        fs.rmSync(repExtracts);
        fs.renameSync(`${repExtracts}.aside`, repExtracts);
      }
      await scheduler.tick(late(day, 31));
      expect(fs.existsSync(reportFile(TDSP, day))).to.equal(true);
      expect(extracts(REP)).to.have.length(3);
      expect(extracts(TDSP), 'the subscriber served at the first check is not served again').to.have.length(3);
      expect(logged([info], 'scheduler: missing-consumption applied', day).map((l) => l.unit)).to.deep.equal([OTHER_TDSP, TDSP]);
      expect(logged([info], 'scheduler: supplemental-extract applied', day)).to.deep.equal([{ day, extractDay: day, subscribers: 1, records: 0 }]);
    });

    // Several instances share a PostgreSQL database; the embedded database serves one instance (a restart is the case above).
    if (engine === 'postgres') it('two instances checking at the same moment: one file per TDSP for the day, one extract per subscriber, each job run once', async () => {
      const day = addDays(D, 3);
      const [a, b] = [await instance(), await instance()];
      const before = { rep: extracts(REP).length, tdsp: extracts(TDSP).length };
      await Promise.all([a.scheduler.tick(late(day)), b.scheduler.tick(late(day))]);
      await Promise.all([a.scheduler.tick(late(day, 31)), b.scheduler.tick(late(day, 31))]);
      const runs = logged([a.info, b.info], 'scheduler: missing-consumption applied', day).map((l) => l.unit).sort();
      expect(runs, 'each TDSP DUNS\'s report written once, by one instance or the other').to.deep.equal([TDSP, OTHER_TDSP].sort());
      expect(logged([a.info, b.info], 'scheduler: supplemental-extract applied', day)).to.have.length(1);
      const names = fs.readdirSync(path.dirname(reportFile(TDSP, day))).filter((f) => f.startsWith('MissingConsumption.') && f.includes(day.replace(/-/g, '')));
      expect(names).to.deep.equal([path.basename(reportFile(TDSP, day))]);
      expect(extracts(REP)).to.have.length(before.rep + 1);
      expect(extracts(TDSP)).to.have.length(before.tdsp + 1);
      expect(decrypted(extracts(REP).at(-1)!)).to.have.length(1);
      const ours = [...a.error.getCalls(), ...b.error.getCalls()].filter((c) => /^scheduler: (missing-consumption|supplemental-extract)/.test(String(c.args[0])));
      expect(ours.map((c) => [c.args[0], c.args[1]])).to.deep.equal([]);
    });

    it('smt extract run names a subscriber it could not serve, exits 1, and serves it (only it) when run again', async () => {
      // After every scheduled day above: a subscriber's extracts only go forward in days.
      const day = addDays(D, 4);
      const repExtracts = path.join(cli.dataDir, 'ftps', REP, 'extracts');
      const before = { rep: extracts(REP).length, tdsp: extracts(TDSP).length };
      fs.renameSync(repExtracts, `${repExtracts}.aside`);
      fs.writeFileSync(repExtracts, 'not a folder');
      let failed;
      try {
        failed = await cli.run('extract', 'run', '--day', day);
      } finally {
        fs.rmSync(repExtracts);
        fs.renameSync(`${repExtracts}.aside`, repExtracts);
      }
      expect(failed.status).to.equal(1);
      expect(failed.err).to.match(new RegExp(`^${REP}: failed, still due \\(run again\\): .*(ENOTDIR|EEXIST)`, 'm'));
      expect(failed.out).to.contain(`${TDSP} (Demo TDSP): 0 records loaded ${addDays(day, -3)}`).and.not.contain(`${REP} (`);
      const again = await cli.run('extract', 'run', '--day', day);
      expect(again.status, again.err).to.equal(0);
      expect(again.out).to.contain(`${REP} (Demo REP): 0 records`).and.not.contain(`${TDSP} (`);
      expect([extracts(REP).length, extracts(TDSP).length]).to.deep.equal([before.rep + 1, before.tdsp + 1]);
    });

    it('a long-running worker reads REP-of-record anew for each day\'s extract (nothing cached from an earlier day)', async () => {
      const { scheduler, info } = await instance();
      // Two supplemental files for yesterday's 0007 (a Second REP ESI ID), committed five and six days from now (after every day above).
      const day = addDays(today, -1);
      for (const [hhmmss, loadDay] of [['235000', addDays(today, 5)], ['235500', addDays(today, 6)]] as const) {
        const name = `${TDSP}IntervalData${day.replace(/-/g, '')}${hhmmss}001.lse`;
        const file = cli.writeFile(name, formatLseRecord({ esiid: E07, channel: 4, day, version: day.replace(/-/g, '') + hhmmss, sender: TDSP, rep: null, values: Array(96).fill(0.5) }));
        expect((await cli.ingestJson(file)).results[0].records.byCode).to.deep.equal({ '00': 1 });
        await (await sharedDb()).query(`UPDATE ingest_file SET finished_at = '${loadDay}T18:00:00.000Z' WHERE file_name = '${name}'`);
      }
      await scheduler.tick(late(addDays(today, 8)));
      expect(logged([info], 'scheduler: supplemental-extract applied', addDays(today, 8))).to.deep.equal([{ day: addDays(today, 8), extractDay: addDays(today, 8), subscribers: 2, records: 1 }]);
      expect(decrypted(extracts(REP).at(-1)!), 'not yet the Demo REP\'s').to.have.length(1);
      // A registry correction: 0007 was the Demo REP's all along.
      await (await sharedDb()).query(`UPDATE rep_of_record SET rep_duns = '${REP}' WHERE esiid = '${E07}'`);
      await scheduler.tick(late(addDays(today, 9)));
      const rows = decrypted(extracts(REP).at(-1)!);
      expect(rows.slice(1).map((l) => l.split(',')[0])).to.deep.equal(Array(96).fill(`'${E07}`));
    });
  });
}
