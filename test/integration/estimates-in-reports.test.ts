import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { addDays, cptToday } from '../../src/core/cpt';
import { formatLseRecord } from '../../scripts/lib/lse-writer';
import { CliHarness } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';

const TDSP = '100000001';
const REP1 = '200000001';
const REP2 = '200000002';
const P = '10443720000000011'; // BUSHILF, REP1; actual data on Sunday 2026-10-25 (0.25 kWh) and Monday 2026-11-02 (0.5 kWh)
const Q = '10443720000000012'; // RESLOWR, REP1; never any data: default profile
const S = '10443720000000013'; // BUSNODEM, REP1 to 2026-10-31, REP2 from 2026-11-01 (a switch on the fall-back day)

const record = (esiid: string, day: string, kwh: number) => formatLseRecord({
  esiid, channel: 4, day, version: day.replace(/-/g, '') + '230000', sender: TDSP, rep: null, values: Array(96).fill(kwh),
});

/** Report CSV lines (CRLF) as cells; the cells here never need quoting. */
const rowsOf = (out: string) => out.trim().split('\r\n').map((l) => l.split(','));
/** Sum of USAGE_KWH (column 6) of the rows of one ESI ID and day, in Wh. */
const whOf = (rows: string[][], esiid: string, usDay: string) => rows.filter((r) => r[0] === `'${esiid}` && r[1] === usDay && r[5] !== '')
  .reduce((s, r) => s + Math.round(Number(r[5]) * 1000), 0);

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`Platform estimates in reports (${engine})`, function () {
    this.timeout(120_000);
    let cli: CliHarness;
    let cleanUp: (() => Promise<void>) | undefined;
    let baseline = '';
    const interval = ['report', '--type', 'interval', '--duns', REP1, '--from', '2026-10-31', '--to', '2026-11-02', '--esiid', P, '--esiid', Q, '--esiid', S];

    before(async function () {
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-estimates-'));
      const imported = await cli.run('registry', 'import',
        cli.writeFile('participants.csv', `kind,name,duns\nTDSP,Demo TDSP,${TDSP}\nREP,Demo REP,${REP1}\nREP,Second REP,${REP2}\n`),
        cli.writeFile('esiids.csv', `esiid,tdsp_duns,meter_number,load_profile_class\n${P},${TDSP},M1,BUSHILF\n${Q},${TDSP},M2,reslowr\n${S},${TDSP},M3,BUSNODEM\n`),
        cli.writeFile('rep-of-record.csv', `esiid,rep_duns,effective_from,effective_to\n${P},${REP1},2026-01-01,\n${Q},${REP1},2026-01-01,\n${S},${REP1},2026-01-01,2026-10-31\n${S},${REP2},2026-11-01,\n`));
      expect(imported.status, imported.err).to.equal(0);
      const file = cli.writeFile(`${TDSP}IntervalData20261103060000001.lse`, record(P, '2026-10-25', 0.25) + record(P, '2026-11-02', 0.5));
      expect((await cli.ingestJson(file)).results[0].records.byCode).to.deep.equal({ '00': 2 });
      baseline = (await cli.run(...interval)).out;
    });
    after(async () => {
      await cleanUp?.();
    });

    it('shows each ESI ID\'s load profile class in smt registry show (unknown says so)', async () => {
      const r = await cli.run('registry', 'show', Q, S);
      expect(r.status, r.err).to.equal(0);
      expect(r.out).to.contain(`ESI ID ${Q}\n  TDSP DUNS           ${TDSP}\n  meter               M2\n  read cycle          (calendar months)\n  load profile class  RESLOWR\n`);
      expect(r.out).to.contain(`  load profile class  BUSNODEM\n  REP of record       ${REP1} from 2026-01-01 to 2026-10-31 (registry)\n                      ${REP2} from 2026-11-01 (registry)\n`);
      const json = await cli.run('registry', 'show', P, '--json');
      expect(JSON.parse(json.out)).to.include({ esiid: P, loadProfileClass: 'BUSHILF', tdspDuns: TDSP });
      const unknown = await cli.run('registry', 'show', '10443720000000099');
      expect(unknown.status).to.not.equal(0);
      expect(unknown.err).to.contain('ESI ID 10443720000000099 is not registered');
    });

    it('estimates every missing day: a proxy day of the ESI ID\'s own (same day type, then like day), else its class\'s default profile', async () => {
      const r = await cli.run('estimate', '--tdsp', TDSP, '--day', '2026-11-03', '--json');
      expect(r.status, r.err).to.equal(0);
      const all = r.out.trim().split('\n').map((l) => JSON.parse(l));
      const of = (esiid: string, day: string) => all.find((o) => o.esiid === esiid && o.operatingDay === day);
      // The window is 2026-09-26 .. 2026-11-02: P misses 36 days, Q and S all 38.
      expect(all).to.have.length(36 + 38 + 38);
      expect(of(P, '2026-11-01')).to.include({ method: 'SAME_DAY', sourceDay: '2026-10-25', loadProfileClass: null, totalWh: 100 * 250 });
      expect(of(P, '2026-10-31')).to.include({ method: 'LIKE_DAY', sourceDay: '2026-10-25', totalWh: 96 * 250 });
      // A weekday before any weekday of its own: BUSHILF's flat 960 kWh.
      expect(of(P, '2026-10-30')).to.include({ method: 'DEFAULT_PROFILE', sourceDay: null, loadProfileClass: 'BUSHILF', totalWh: 960_000 });
      expect(of(Q, '2026-10-30')).to.include({ method: 'DEFAULT_PROFILE', loadProfileClass: 'RESLOWR', totalWh: 30_000 });
      // Fall back: RESLOWR's weekend 32 kWh plus its 01:00 hour again (weight 3: 4 × 240 Wh).
      expect(of(Q, '2026-11-01')).to.include({ method: 'DEFAULT_PROFILE', totalWh: 32_960 });
      expect(all.every((o) => o.method !== null)).to.equal(true);
      expect(r.err).to.equal(`${TDSP}: 112 missing ESI ID-days; 112 estimated now, 0 earlier, 0 without 12 months of own actual history or a load profile class\n`);
    });

    it('leaves a report that does not ask byte for byte as it was', async () => {
      const after = await cli.run(...interval);
      expect(after.out).to.equal(baseline);
      expect(rowsOf(after.out)[0]).to.deep.equal(['ESIID', 'USAGE_DATE', 'REVISION_DATE', 'USAGE_START_TIME', 'USAGE_END_TIME', 'USAGE_KWH', 'ESTIMATED_ACTUAL', 'CONSUMPTION_SURPLUSGENERATION']);
      expect(rowsOf(after.out)).to.have.length(1 + 96); // P's one TDSP day only
    });

    it('adds the estimates of the days the requester may see, in marked rows, in report order', async () => {
      const r = await cli.run(...interval, '--estimates');
      expect(r.status, r.err).to.equal(0);
      const [header, ...rows] = rowsOf(r.out);
      expect(header.slice(-2)).to.deep.equal(['PLATFORM_ESTIMATE', 'ESTIMATE_SOURCE']);
      expect(rows.every((row) => row.length === 10)).to.equal(true);
      // Day, then ESI ID; S on 2026-11-01 and 11-02 is Second REP's, not Demo REP's.
      const groups = [...new Set(rows.map((row) => `${row[0]} ${row[1]}`))];
      expect(groups).to.deep.equal([`'${P} 10/31/2026`, `'${Q} 10/31/2026`, `'${S} 10/31/2026`, `'${P} 11/01/2026`, `'${Q} 11/01/2026`, `'${P} 11/02/2026`, `'${Q} 11/02/2026`]);
      expect(rows).to.have.length(96 * 3 + 100 * 2 + 96 * 2);
      const tdsp = rows.filter((row) => row[0] === `'${P}` && row[1] === '11/02/2026');
      expect(new Set(tdsp.map((row) => row.slice(5).join(',')))).to.deep.equal(new Set(['0.500,A,Consumption,N,']));
      expect(tdsp[0].slice(0, 5)).to.deep.equal([`'${P}`, '11/02/2026', '11/02/2026 23:00:00', '00:00', '00:15']);
      const estimated = rows.filter((row) => row[8] === 'Y');
      expect(estimated).to.have.length(rows.length - 96);
      expect(estimated.every((row) => row[6] === 'E' && /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/.test(row[2]))).to.equal(true);
      const source = (esiid: string, usDay: string) => [...new Set(rows.filter((row) => row[0] === `'${esiid}` && row[1] === usDay).map((row) => row[9]))];
      expect(source(P, '10/31/2026')).to.deep.equal(['LIKE_DAY 2026-10-25']);
      expect(source(P, '11/01/2026')).to.deep.equal(['SAME_DAY 2026-10-25']);
      expect(source(Q, '11/01/2026')).to.deep.equal(['DEFAULT_PROFILE RESLOWR']);
      expect(source(S, '10/31/2026')).to.deep.equal(['DEFAULT_PROFILE BUSNODEM']);
      expect([whOf(rows, P, '10/31/2026'), whOf(rows, P, '11/01/2026'), whOf(rows, P, '11/02/2026')]).to.deep.equal([24_000, 25_000, 48_000]);
      expect([whOf(rows, Q, '10/31/2026'), whOf(rows, Q, '11/01/2026'), whOf(rows, Q, '11/02/2026')]).to.deep.equal([32_000, 32_960, 30_000]);
      expect(whOf(rows, S, '10/31/2026')).to.equal(16_000);
      // The repeated hour of the fall-back day: RESLOWR weekend hour 01 has weight 3, 240 Wh a quarter-hour, twice.
      expect(rows.filter((row) => row[0] === `'${Q}` && row[1] === '11/01/2026' && row[3] === '01:00').map((row) => row[5])).to.deep.equal(['0.240', '0.240']);
    });

    it('builds the same marked report in 3 CSV threads as in one (sections of TDSP rows and estimates read back in turn)', async () => {
      const threaded = new CliHarness('smt-estimates-threads-', { ...cli.env, SMT_REPORT_CSV_THREADS: '3' }, cli.dataDir);
      for (const type of ['interval', 'daily']) {
        const ask = ['report', '--type', type, '--duns', REP1, '--from', '2026-10-25', '--to', '2026-11-02', '--esiid', P, '--esiid', Q, '--esiid', S, '--estimates'];
        const one = await cli.run(...ask);
        const three = await threaded.run(...ask);
        expect(three.status, three.err).to.equal(0);
        expect(three.out, type).to.equal(one.out);
        expect(rowsOf(one.out).filter((row) => row[row.length - 2] === 'Y').length, type).to.be.greaterThan(0);
      }
    });

    it('gives a REP the estimates of its own days only: never those of an ESI ID or a day it is not REP of record for', async () => {
      const second = await cli.run('report', '--type', 'daily', '--duns', REP2, '--from', '2026-10-31', '--to', '2026-11-01', '--esiid', P, '--esiid', S, '--estimates');
      expect(second.status, second.err).to.equal(0);
      expect(second.err).to.contain(`not authorized for DUNS ${REP2} (1): ${P}`);
      const rows = rowsOf(second.out);
      expect(rows[0]).to.deep.equal(['ESIID', 'USAGE_DATE', 'REVISION_DATE', 'METER_NUMBER', 'START_READING', 'END_READING', 'USAGE_KWH', 'ESTIMATED_ACTUAL', 'PLATFORM_ESTIMATE', 'ESTIMATE_SOURCE']);
      // BUSNODEM's weekend: 16 kWh, plus the fall-back day's repeated 01:00 hour (weight 4: 4 × 160 Wh).
      expect(rows.slice(1).map((row) => [row[0], row[1], row[6], row[7], row[8], row[9]])).to.deep.equal([[`'${S}`, '11/01/2026', '16.640', 'E', 'Y', 'DEFAULT_PROFILE BUSNODEM']]);
      const first = await cli.run('report', '--type', 'daily', '--duns', REP1, '--from', '2026-10-31', '--to', '2026-11-01', '--esiid', S, '--estimates');
      expect(rowsOf(first.out).slice(1).map((row) => [row[1], row[6]])).to.deep.equal([['10/31/2026', '16.000']]);
      const none = await cli.run('report', '--type', 'daily', '--duns', REP2, '--from', '2026-10-31', '--to', '2026-11-01', '--esiid', P, '--estimates', '--deliver');
      expect(none.out).to.contain(': NAU');
    });

    it('estimates no day whose TDSP data may still come: the day before yesterday is estimated, yesterday and today are not', async () => {
      const today = cptToday();
      const ask = ['report', '--type', 'daily', '--duns', REP1, '--from', addDays(today, -2), '--to', today, '--esiid', Q, '--estimates'];
      const r = await cli.run(...ask);
      expect(r.status, r.err).to.equal(0);
      const estimated = rowsOf(r.out).slice(1).filter((row) => row[8] === 'Y').map((row) => row[1]);
      const us = (day: string) => `${day.slice(5, 7)}/${day.slice(8, 10)}/${day.slice(0, 4)}`;
      expect(estimated).to.deep.equal([us(addDays(today, -2))]);
    });

    it('makes the missing estimates of the asked days when a report asks, none for a day without a REP of record, and keeps them', async () => {
      // 2025-12-31: no REP of record yet (an inactive premise is not estimated); 2026-01-01 a holiday (weekend shape); 2026-01-02 a Friday.
      const ask = ['report', '--type', 'daily', '--duns', TDSP, '--from', '2025-12-31', '--to', '2026-01-02', '--esiid', P, '--esiid', Q, '--esiid', S, '--estimates'];
      const first = await cli.run(...ask);
      expect(first.status, first.err).to.equal(0);
      expect(rowsOf(first.out).slice(1).map((row) => [row[0], row[1], row[6], row[8], row[9]])).to.deep.equal([
        [`'${P}`, '01/01/2026', '768.000', 'Y', 'DEFAULT_PROFILE BUSHILF'],
        [`'${Q}`, '01/01/2026', '32.000', 'Y', 'DEFAULT_PROFILE RESLOWR'],
        [`'${S}`, '01/01/2026', '16.000', 'Y', 'DEFAULT_PROFILE BUSNODEM'],
        [`'${P}`, '01/02/2026', '960.000', 'Y', 'DEFAULT_PROFILE BUSHILF'],
        [`'${Q}`, '01/02/2026', '30.000', 'Y', 'DEFAULT_PROFILE RESLOWR'],
        [`'${S}`, '01/02/2026', '40.000', 'Y', 'DEFAULT_PROFILE BUSNODEM'],
      ]);
      // Stored: the same rows again (same revision times), and smt estimate finds them made.
      expect((await cli.run(...ask)).out).to.equal(first.out);
      const listed = await cli.run('estimate', '--tdsp', TDSP, '--day', '2026-01-03', '--json');
      const ofDay = listed.out.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.operatingDay === '2026-01-02');
      expect(ofDay.map((o) => [o.esiid, o.existing, o.totalWh])).to.deep.equal([[P, true, 960_000], [Q, true, 30_000], [S, true, 40_000]]);
    });

    it('estimates the spring-forward day with its 92 intervals: the 02:00 hour stays blank', async () => {
      const made = await cli.run('estimate', '--tdsp', TDSP, '--day', '2026-03-10');
      expect(made.status, made.err).to.equal(0);
      const r = await cli.run('report', '--type', 'interval', '--duns', REP1, '--from', '03/08/2026', '--to', '03/08/2026', '--esiid', Q, '--esiid', P, '--estimates');
      const rows = rowsOf(r.out).slice(1);
      expect(rows).to.have.length(2 * 96);
      const blank = rows.filter((row) => row[5] === '');
      expect(blank.map((row) => `${row[0]} ${row[3]}`)).to.deep.equal([...[P, Q].flatMap((e) => ['02:00', '02:15', '02:30', '02:45'].map((t) => `'${e} ${t}`))]);
      // RESLOWR's weekend without hour 02 (weight 2: 4 × 160 Wh); BUSHILF's flat weekend, 92 × 8 kWh.
      expect(whOf(rows, Q, '03/08/2026')).to.equal(32_000 - 640);
      expect(whOf(rows, P, '03/08/2026')).to.equal(92 * 8_000);
      expect(rows.find((row) => row[0] === `'${Q}` && row[3] === '03:00')![5]).to.equal('0.160');
    });

    it('delivers the same marked rows through the report queue (zip, PGP) as the CLI prints', async () => {
      const gpg = new GpgHome();
      try {
        await gpg.keyParticipant(cli, 'Demo REP');
        const queued = await cli.run(...interval, '--estimates', '--deliver');
        expect(queued.status, queued.err).to.equal(0);
        expect((await cli.run('reports', 'run')).status).to.equal(0);
        const status = JSON.parse((await cli.run('requests', '--json')).out.trim().split('\n').pop()!);
        expect(status).to.include({ statusCode: '0', platformEstimates: true, recordCount: 96 * 5 + 100 * 2 });
        const folder = path.join(cli.dataDir, 'ftps', REP1, 'adhoc');
        const [file] = fs.readdirSync(folder).filter((n) => !n.startsWith('.'));
        const csv = unzipOnly(gpg.decrypt(path.join(folder, file)), cli.dataDir).content.toString();
        expect(csv).to.equal((await cli.run(...interval, '--estimates')).out);
      } finally {
        gpg.remove();
      }
    });

    it('keeps the report limits: the option adds no rows beyond the request\'s estimate, and is refused where no estimate can apply', async () => {
      const tight = new CliHarness('smt-estimates-tight-', { ...cli.env, SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H: String(3 * 3 * 96 + 96) }, cli.dataDir);
      // Earlier deliveries of this participant already count 3 ESI IDs × 3 days × 96 rows; one more ESI ID-day fits, two do not.
      const over = await tight.run('report', '--type', 'interval', '--duns', REP1, '--from', '2026-10-31', '--to', '2026-11-01', '--esiid', Q, '--estimates', '--deliver');
      expect(over.status).to.not.equal(0);
      expect(over.err).to.contain('you asked for 864 rows in the last 24 hours and this request adds 192; at most 960 rows per participant');
      const fits = await tight.run('report', '--type', 'interval', '--duns', REP1, '--from', '2026-11-01', '--to', '2026-11-01', '--esiid', Q, '--estimates', '--deliver');
      expect(fits.status, fits.err).to.equal(0);
      const monthly = await cli.run('report', '--type', 'monthly', '--duns', REP1, '--from', '2026-10-01', '--to', '2026-11-02', '--esiid', Q, '--estimates');
      expect(monthly.status).to.not.equal(0);
      expect(monthly.err).to.contain('platform estimates are made for consumption days only');
      const generation = await cli.run('report', '--type', 'interval', '--duns', REP1, '--from', '2026-11-01', '--to', '2026-11-01', '--esiid', Q, '--reading', 'G', '--estimates');
      expect(generation.err).to.contain('not readingType G');
    });
  });
}
