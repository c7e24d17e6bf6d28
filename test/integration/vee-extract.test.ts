import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { addDays, cptToday } from '../../src/core/cpt';
import { CliHarness, importRegistryFixtures } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';

const TDSP = '100000001';
const REP = '200000001'; // Demo REP: 0001-0005, and 0006 until 2025-07-15
const SECOND = '200000002'; // Second REP: 0006 from 2025-07-16, 0007-0010

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`Supplemental AMS Interval Data Extract (smt extract, ${engine})`, function () {
    this.timeout(60_000);
    let cli: CliHarness;
    let gpg: GpgHome;
    // Loaded today, so today's loads are the extract of the day three days from now.
    let today: string;
    let extractDay: string;

    let cleanUp: (() => Promise<void>) | undefined;

    before(async function () {
      today = cptToday();
      extractDay = addDays(today, 3);
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-extract-'));
      gpg = new GpgHome();
      await importRegistryFixtures(cli);
      for (const name of ['Demo REP', 'Demo TDSP']) {
        await gpg.keyParticipant(cli, name);
      }
      const day = addDays(today, -1);
      const text = ['01', '02', '07'].map((n) => formatLseRecord({ esiid: `104437200000000${n}`, channel: 4, day, version: day.replace(/-/g, '') + '230000',
        sender: TDSP, rep: null, values: Array(96).fill(n === '07' ? 0.7 : 0.1) })).join('');
      const file = cli.writeFile(`${TDSP}IntervalData${day.replace(/-/g, '')}230000001.lse`, text);
      expect((await cli.ingestJson(file)).results[0].records.byCode).to.deep.equal({ '00': 3 });
    });
    after(async () => {
      gpg?.remove();
      await cleanUp?.();
    });

    it('refuses a DUNS without a PGP key or not registered, and subscribes one with a key', async () => {
      const noKey = await cli.run('extract', 'subscribe', '--duns', SECOND);
      expect(noKey.status).to.equal(2);
      expect(noKey.err).to.contain('REP "Second REP" has no PGP key: extracts are encrypted to it');
      expect((await cli.run('extract', 'subscribe', '--duns', '999999999')).err).to.contain('DUNS 999999999 is not registered');
      expect((await cli.run('extract', 'subscribe', '--duns', REP)).out).to.contain(`${REP} (Demo REP) subscribed`);
      expect((await cli.run('extract', 'subscribe', '--duns', TDSP)).status).to.equal(0);
      expect((await cli.run('extract', 'list')).out).to.match(new RegExp(`^${TDSP}  since .*  last extract none yet\\n${REP}  since `));
    });

    it('delivers each subscriber the loads of three days before, for its own ESI IDs only, encrypted to its key; once per day', async () => {
      const r = await cli.run('extract', 'run', '--day', extractDay);
      expect(r.status, r.err).to.equal(0);
      const rows = (duns: string) => {
        const folder = path.join(cli.dataDir, 'ftps', duns, 'extracts');
        const files = fs.readdirSync(folder);
        expect(files).to.have.length(1);
        expect(files[0]).to.match(new RegExp(`^IntervalMeterUsage\\d{14}\\d+\\.CSV\\.${duns}\\.asc$`));
        return unzipOnly(gpg.decrypt(path.join(folder, files[0])), cli.dataDir).content.toString('utf8').trim().split('\r\n');
      };
      const rep = rows(REP);
      expect(rep[0]).to.equal('ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION');
      expect(new Set(rep.slice(1).map((l) => l.split(',')[0]))).to.deep.equal(new Set(["'10443720000000001", "'10443720000000002"]));
      expect(rep).to.have.length(1 + 2 * 96);
      expect(new Set(rows(TDSP).slice(1).map((l) => l.split(',')[0]))).to.deep.equal(new Set(["'10443720000000001", "'10443720000000002", "'10443720000000007"]));
      expect(r.out).to.contain(`${REP} (Demo REP): 2 records loaded ${today}`);
      const again = await cli.run('extract', 'run', '--day', extractDay);
      expect(again.err).to.equal(`no subscription is due for ${extractDay}\n`);
      expect(fs.readdirSync(path.join(cli.dataDir, 'ftps', REP, 'extracts'))).to.have.length(1);
    });

    it('still delivers a header-only extract on a day nothing was loaded, and ends a subscription', async () => {
      const r = await cli.run('extract', 'run', '--day', addDays(extractDay, 1));
      expect(r.out).to.contain(`${REP} (Demo REP): 0 records loaded ${addDays(today, 1)}`);
      expect((await cli.run('extract', 'unsubscribe', '--duns', REP)).out).to.equal(`${REP} unsubscribed\n`);
      expect((await cli.run('extract', 'unsubscribe', '--duns', REP)).err).to.contain(`${REP} has no extract subscription`);
    });
  });
}
