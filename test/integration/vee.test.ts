import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { formatLseRecord, type LseRecordSpec } from '../../scripts/lib/lse-writer';
import { CliHarness, importRegistryFixtures } from '../support/cli-harness';
import { engineHarness } from '../support/engine-harness';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { bucketMembers } from '../../src/vee/weekday-buckets';
import { dayNumber, decodeEntries, weekdayOf } from '../../src/vee/weekday-totals';

const TDSP = '100000001';
const REP = '200000001';
const E = (n: string) => `104437200000000${n}`;
const DAY = '2026-11-04'; // a Wednesday
const HISTORY = ['2026-10-07', '2026-10-14', '2026-10-21', '2026-10-28'];
const FALL_BACK = '2026-11-01';
const SPRING_FORWARD = '2026-03-08';
const fill = (n: number, kwh: number | null) => Array<number | null>(n).fill(kwh);

function record(esiid: string, day: string, values: (number | null)[], more: Partial<LseRecordSpec> = {}): string {
  const version = day.replace(/-/g, '') + '230000';
  return formatLseRecord({ esiid, channel: 4, day, version, sender: TDSP, rep: REP, values, ...more });
}

function withSpike(n: number, base: number, at: number, value: number): number[] {
  const values = fill(n, base) as number[];
  values[at] = value;
  return values;
}

/** Runs the suite on the embedded database and, where a test server is configured, on PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`VEE at ingest and smt vee (${engine})`, function () {
    this.timeout(60_000);
    let cli: CliHarness;
    let cleanUp: (() => Promise<void>) | undefined;
    const write = (name: string, text: string): string => cli.writeFile(name, text);

    /** VEE's kept totals of a day, as "ESI ID Wh" (-1: not a whole day). */
    const totalsOn = async (day: string): Promise<string[]> => {
      const app = createApp(loadConfig({ ...process.env, ...cli.env, SMT_DATA_DIR: cli.dataDir }));
      try {
        const rows = await (await app.db()).query(`SELECT bucket, members FROM vee_weekday_bucket WHERE weekday = ${weekdayOf(day)} ORDER BY bucket`);
        return rows.flatMap((r: { bucket: string; members: Uint8Array }) => bucketMembers(r.bucket, r.members).flatMap((m) => {
          const entries = decodeEntries(m.totals);
          const at = entries.days.indexOf(dayNumber(day));
          return at < 0 ? [] : [`${m.esiid} ${entries.totals[at]}`];
        }));
      } finally {
        await app.close();
      }
    };

    before(async function () {
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-vee-'));
      await importRegistryFixtures(cli);
      // Four earlier Wednesdays of 9.6 kWh for 0001 and 0002, their registers in step.
      const history = HISTORY.flatMap((d, i) => [
        record(E('01'), d, fill(96, 0.1), { startReading: String(100 + i * 10), stopReading: String(109.6 + i * 10) }),
        record(E('02'), d, fill(96, 0.1)),
      ]).join('');
      const first = await cli.ingestJson('--for', 'Demo TDSP', write(`${TDSP}IntervalData20261029060000001.lse`, history));
      expect(first.results[0].records.byCode).to.deep.equal({ '00': 8 });
    });
    after(async () => {
      await cleanUp?.();
    });

    it('flags each rule on a file, loads every record unchanged, and adds a VEE section to the activity report', async () => {
      const estimatedStatuses = Array.from({ length: 96 }, (_, i) => (i < 30 ? 'E' : 'A'));
      const repeatedHourBlank = fill(100, 0.3);
      for (const i of [8, 9, 10, 11]) repeatedHourBlank[i] = null;
      const text = [
        record(E('01'), DAY, fill(96, 0.5), { startReading: '1000', stopReading: '1048' }), // 48 kWh against 9.6: high usage
        record(E('02'), DAY, fill(96, 0.1), { startReading: '2000', stopReading: '2020' }), // 9.6 kWh against a 20 kWh register
        record(E('03'), DAY, fill(96, 0)), // zeros all day with a REP of record
        record(E('04'), DAY, withSpike(96, 0.2, 40, 5)), // 5 kWh at 10:15 among 0.2
        record(E('05'), DAY, fill(96, 0.5), { statuses: estimatedStatuses }), // 30 of 96 estimated
        record('10443720000000099', DAY, fill(96, 0.25), { rep: null }), // no REP of record: inactive meter used 24 kWh
        record(E('04'), FALL_BACK, withSpike(100, 8, 20, 60)), // 60 kWh in one interval: pulse overflow
        record(E('01'), FALL_BACK, repeatedHourBlank), // the repeated hour left blank
        record(E('02'), SPRING_FORWARD, fill(96, 0.3)), // 96 intervals on a 92-interval day: refused 03
      ].join('');
      const { results } = await cli.ingestJson('--for', 'Demo TDSP', write(`${TDSP}IntervalData20261105060000001.lse`, text));
      expect(results[0].records.byCode).to.deep.equal({ '00': 8, '03': 1 });

      const listed = await cli.run('vee', '--tdsp', 'Demo TDSP', '--json');
      expect(listed.status).to.equal(0);
      const findings = listed.out.trim().split('\n').map((l) => JSON.parse(l));
      expect(findings.map((f) => `${f.operatingDay} ${f.esiid} ${f.code} ${f.rule}`).sort()).to.deep.equal([
        `${SPRING_FORWARD} ${E('02')} V08 TIME_CHANGE`,
        `${FALL_BACK} ${E('01')} V08 TIME_CHANGE`,
        `${FALL_BACK} ${E('04')} V06 PULSE_OVERFLOW`,
        `${DAY} ${E('01')} V04 HIGH_LOW_USAGE`,
        `${DAY} ${E('02')} V01 SUM_CHECK`,
        `${DAY} ${E('03')} V03 CONSECUTIVE_ZEROS`,
        `${DAY} ${E('04')} V02 SPIKE_CHECK`,
        `${DAY} ${E('05')} V07 ESTIMATED_SHARE`,
        `${DAY} 10443720000000099 V05 INACTIVE_USAGE`,
      ].sort());
      const byRule = Object.fromEntries(findings.map((f) => [`${f.esiid} ${f.rule}`, f.reason]));
      expect(byRule[`${E('01')} HIGH_LOW_USAGE`]).to.equal('48 kWh is more than 3 times the 9.6 kWh average of the same weekday (2026-10-07, 2026-10-14, 2026-10-21, 2026-10-28)');
      expect(byRule[`${E('02')} SUM_CHECK`]).to.equal('the intervals add up to 9.6 kWh but the register went from 2000 to 2020 (20 kWh): 10.4 kWh apart, more than the 1 kWh allowed');
      expect(byRule[`${E('02')} TIME_CHANGE`]).to.equal('2026-03-08 (spring forward, 02:00-03:00 skipped) has 92 intervals in Central Prevailing Time; the record had 96 and was not loaded (result code 03)');
      expect(findings.find((f) => f.rule === 'TIME_CHANGE' && f.esiid === E('02')).version).to.equal(null);
      expect(findings.every((f) => f.tdspDuns === TDSP)).to.equal(true);

      // Flags only: the flagged day is served exactly as sent.
      const usage = await cli.run('usage', E('02'), '--from', DAY, '--to', DAY, '--channel', '4');
      expect(usage.out.trim().split('\n').slice(1).map((l) => l.split(',')[4])).to.deep.equal(Array(96).fill('0.100'));

      const reports = fs.readdirSync(path.join(cli.dataDir, 'ftps', TDSP, 'reports')).filter((n) => n.startsWith(`${TDSP}IntervalData20261105`));
      const report = fs.readFileSync(path.join(cli.dataDir, 'ftps', TDSP, 'reports', reports[0]), 'utf8').split('\r\n');
      const name = `${TDSP}IntervalData20261105060000001.lse`;
      expect(report.filter((l) => l.startsWith('VEE_SUMMARY'))).to.deep.equal([
        `VEE_SUMMARY,${name},,,,V01,1,SUM_CHECK`, `VEE_SUMMARY,${name},,,,V02,1,SPIKE_CHECK`, `VEE_SUMMARY,${name},,,,V03,1,CONSECUTIVE_ZEROS`,
        `VEE_SUMMARY,${name},,,,V04,1,HIGH_LOW_USAGE`, `VEE_SUMMARY,${name},,,,V05,1,INACTIVE_USAGE`, `VEE_SUMMARY,${name},,,,V06,1,PULSE_OVERFLOW`,
        `VEE_SUMMARY,${name},,,,V07,1,ESTIMATED_SHARE`, `VEE_SUMMARY,${name},,,,V08,2,TIME_CHANGE`,
      ]);
      expect(report.filter((l) => l.startsWith('VEE,'))).to.have.length(9);
      expect(report).to.include(`VEE,${name},'${E('04')},${FALL_BACK},4,V06,1,"the interval ending 04:15 reads 60 kWh, more than a meter can register in 15 minutes (50 kWh)"`);
    });

    it('filters by day and rule (name or code), and refuses an unknown rule or TDSP by name', async () => {
      const tc = await cli.run('vee', '--rule', 'time-change');
      expect(tc.out.trim().split('\n').slice(1).map((l) => l.split(',')[0]).sort()).to.deep.equal([SPRING_FORWARD, FALL_BACK]);
      const sum = await cli.run('vee', '--rule', 'V01', '--day', '11/04/2026', '--json');
      expect(sum.out.trim().split('\n').map((l) => JSON.parse(l).esiid)).to.deep.equal([E('02')]);
      const other = await cli.run('vee', '--tdsp', 'Other TDSP');
      expect(other.out.trim().split('\n')).to.have.length(1);
      const bad = await cli.run('vee', '--rule', 'colour');
      expect(bad.status).to.equal(2);
      expect(bad.err).to.contain('--rule "colour" is not a VEE rule; one of SUM_CHECK (V01)');
      const rep = await cli.run('vee', '--tdsp', 'Demo REP');
      expect(rep.status).to.equal(2);
      expect(rep.err).to.contain(`--tdsp "Demo REP" is not a registered TDSP's name or DUNS`);
    });

    it('checks only what a file stored: a record refused as an older version (05) raises nothing', async () => {
      const before = (await cli.run('vee', '--day', DAY, '--rule', 'V03', '--json')).out.trim().split('\n');
      const older = record(E('03'), DAY, fill(96, 0), { version: '20261104220000' });
      const { results } = await cli.ingestJson(write(`${TDSP}IntervalData20261105070000001.lse`, older));
      expect(results[0].records.byCode).to.deep.equal({ '05': 1 });
      expect((await cli.run('vee', '--day', DAY, '--rule', 'V03', '--json')).out.trim().split('\n')).to.deep.equal(before);
      expect(before).to.have.length(1);
    });

    it('runs nothing with SMT_VEE_MODE=off, and still loads', async () => {
      const off = new CliHarness('', { ...cli.env, SMT_VEE_MODE: 'off' }, cli.dataDir);
      const file = write(`${TDSP}IntervalData20261106060000001.lse`, record(E('03'), '2026-11-05', fill(96, 0)));
      const { results } = await off.ingestJson(file);
      expect(results[0].records.byCode).to.deep.equal({ '00': 1 });
      const listed = await cli.run('vee', '--day', '2026-11-05');
      expect(listed.out.trim().split('\n')).to.have.length(1);
    });

    it('finds the same on a file whether it reads the records back by the keys the file sent or by scanning the file\'s days', async () => {
      const listed = (await cli.run('vee', '--day', DAY, '--json')).out.trim().split('\n').map((l) => JSON.parse(l));
      const fileId = listed[0].fileId as number;
      const app = createApp(loadConfig({ ...process.env, ...cli.env, SMT_DATA_DIR: cli.dataDir }));
      try {
        // Called without the parsed records, the runner scans the file's days (and stores its findings again: compared, not counted).
        const outcome = await (await app.veeRunner()).runForFile(fileId);
        const key = (f: { esiid: string; operatingDay: string; code: string; reason: string }) => `${f.operatingDay} ${f.esiid} ${f.code} ${f.reason}`;
        const stored = (await cli.run('vee', '--file', String(fileId), '--json')).out.trim().split('\n').map((l) => JSON.parse(l));
        expect(outcome!.findings.map(key).sort()).to.deep.equal([...new Set(stored.map(key))].sort());
        expect(outcome!.records).to.equal(8);
      } finally {
        await app.close();
      }
    });

    // Last: it replaces a history day the tests above compare with.
    it('keeps the newest whole-day total of each consumption record for later history, and marks a day with a blank as not whole', async () => {
      const day = HISTORY[0];
      const totals = () => totalsOn(day);
      expect(await totals()).to.deep.equal([`${E('01')} 9600`, `${E('02')} 9600`]);
      const withBlank = fill(96, 0.1);
      withBlank[40] = null;
      const supplemental = record(E('01'), day, withBlank, { version: '20261010230000' }) + record(E('02'), day, fill(96, 0.2), { version: '20261010230000' });
      const { results } = await cli.ingestJson(write(`${TDSP}IntervalData20261106070000001.lse`, supplemental));
      expect(results[0].records.byCode).to.deep.equal({ '00': 2 });
      expect(await totals()).to.deep.equal([`${E('01')} -1`, `${E('02')} 19200`]);
    });

    it('takes the daily totals of days loaded with VEE off from their stored intervals, newest version first (smt vee totals)', async () => {
      const day = '2026-11-05'; // E03 was loaded on it with SMT_VEE_MODE=off above
      const off = new CliHarness('', { ...cli.env, SMT_VEE_MODE: 'off' }, cli.dataDir);
      const two = record(E('04'), day, fill(96, 0.25), { version: '20261105230000' }) + record(E('04'), day, fill(96, 0.5), { version: '20261106230000' });
      expect((await off.ingestJson(write(`${TDSP}IntervalData20261107060000001.lse`, two))).results[0].records.byCode).to.deep.equal({ '00': 2 });
      expect(await totalsOn(day)).to.deep.equal([]);
      const run = await cli.run('vee', 'totals', '--from', '2026-11-04', '--to', day);
      expect(run.status).to.equal(0);
      expect(run.err).to.contain(`${day}: 2 ESI ID totals kept`);
      expect(await totalsOn(day)).to.deep.equal([`${E('03')} 0`, `${E('04')} 48000`]);
      const backwards = await cli.run('vee', 'totals', '--from', day, '--to', '2026-11-04');
      expect(backwards.status).to.not.equal(0);
      expect(backwards.err).to.contain('--to 2026-11-04 is before --from 2026-11-05');
      const tooLong = await cli.run('vee', 'totals', '--from', '2025-01-01', '--to', day);
      expect(tooLong.status).to.not.equal(0);
      expect(tooLong.err).to.contain('at most 400 days at a time');
    });
  });
}
