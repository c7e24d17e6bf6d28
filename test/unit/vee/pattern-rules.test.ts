import { expect } from 'chai';
import { dayStats, type DayStats, type VeeHistory } from '../../../src/vee/vee-day';
import { spikeCheck } from '../../../src/vee/rules/spike-check.rule';
import { consecutiveZeros } from '../../../src/vee/rules/consecutive-zeros.rule';
import { highLowUsage } from '../../../src/vee/rules/high-low-usage.rule';
import { timeChange, timeChangeRejection } from '../../../src/vee/rules/time-change.rule';
import { checkDay, historyDays } from '../../../src/vee/vee.rules';
import { DEFAULT_VEE_SETTINGS as S, veeSettings } from '../../../src/vee/vee-settings';
import { FALL_BACK, repeat, SPRING_FORWARD, veeDay } from './vee-day.builder';

const statsOf = (d: { values: Uint8Array; intervalCount: number }): DayStats => dayStats(d.values, d.intervalCount);

type Day = ReturnType<typeof veeDay>;
const withDecoded = <T>(rule: (d: Day, x: DayStats, s: typeof S) => T, d: Day, s = S) => rule(d, statsOf(d), s);

describe('VEE spike check', () => {
  it("flags 5 kWh among 0.2 kWh intervals (25 times the others' average), naming the interval end in prevailing time", () => {
    const values = repeat(96, 0.2);
    values[40] = 5;
    const f = withDecoded(spikeCheck, veeDay(values));
    expect(f).to.include({ code: 'V02', rule: 'SPIKE_CHECK' });
    expect(f!.reason).to.equal("the interval ending 10:15 reads 5 kWh, 25.0 times the average of the day's other intervals (0.2 kWh)");
  });

  it('leaves a high interval alone below the 2 kWh minimum, and a busy day whose peak is under 10 times its average', () => {
    const small = repeat(96, 0.1);
    small[10] = 1.5;
    expect(withDecoded(spikeCheck, veeDay(small))).to.equal(null);
    const busy = repeat(96, 1);
    busy[50] = 9;
    expect(withDecoded(spikeCheck, veeDay(busy))).to.equal(null);
  });

  it('on the fall-back day names the repeated hour with a star, and counts every spike', () => {
    const values = repeat(100, 0.1);
    values[9] = 4; // 01:30* (second pass)
    values[60] = 3;
    const f = withDecoded(spikeCheck, veeDay(values, { operatingDay: FALL_BACK }));
    expect(f!.reason).to.match(/^the interval ending 01:30\* reads 4 kWh, .* times the average .*; 2 intervals spike that day$/);
  });

  it('says so when every other interval is zero', () => {
    const values = repeat(92, 0);
    values[91] = 3;
    expect(withDecoded(spikeCheck, veeDay(values, { operatingDay: SPRING_FORWARD }))!.reason).to.equal('the interval ending 24:00 reads 3 kWh, while every other interval reads 0');
  });
});

describe('VEE consecutive zeros for an active meter', () => {
  it('flags a whole day of zeros on a meter with a REP of record, on each of 96, 92 and 100 intervals', () => {
    for (const [n, day] of [[96, '2026-07-14'], [92, SPRING_FORWARD], [100, FALL_BACK]] as const) {
      const f = withDecoded(consecutiveZeros, veeDay(repeat(n, 0), { operatingDay: day }));
      expect(f, day).to.include({ code: 'V03', rule: 'CONSECUTIVE_ZEROS', operatingDay: day });
      expect(f!.reason).to.equal(`every interval of the day reads 0 although the ESI ID has a REP of record (the rule flags ${n === 100 ? 96 : n} or more, 24 h)`);
    }
  });

  it('flags 96 zeros in a row on the 100-interval fall-back day, from 01:00 to the end', () => {
    const f = withDecoded(consecutiveZeros, veeDay([...repeat(4, 1), ...repeat(96, 0)], { operatingDay: FALL_BACK }));
    expect(f!.reason).to.equal('96 intervals in a row read 0 (01:00 to 24:00) although the ESI ID has a REP of record (the rule flags 96 or more, 24 h)');
  });

  it('follows the span setting: 48 zeros in a row make a finding at 12 h, not at 24 h; a blank breaks the run', () => {
    const values = [...repeat(24, 0.3), ...repeat(48, 0), ...repeat(24, 0.3)];
    expect(withDecoded(consecutiveZeros, veeDay(values))).to.equal(null);
    expect(withDecoded(consecutiveZeros, veeDay(values), { ...S, zeroSpanHours: 12 })!.reason).to.equal('48 intervals in a row read 0 (06:00 to 18:00) although the ESI ID has a REP of record (the rule flags 48 or more, 12 h)');
    values[40] = null;
    expect(withDecoded(consecutiveZeros, veeDay(values), { ...S, zeroSpanHours: 12 })).to.equal(null);
  });

  it('says nothing for a meter without a REP of record, or for generation', () => {
    expect(withDecoded(consecutiveZeros, veeDay(repeat(96, 0), { hasRepOfRecord: false }))).to.equal(null);
    expect(withDecoded(consecutiveZeros, veeDay(repeat(96, 0), { channel: 1 }))).to.equal(null);
  });
});

describe('VEE high/low usage against the same weekday', () => {
  const historyOf = (days: { operatingDay: string; kwh: number }[]): VeeHistory => ({
    wholeDays: days.length, totalWh: days.reduce((sum, d) => sum + d.kwh * 1000, 0), days: () => days.map((d) => d.operatingDay),
  });
  const days = [{ operatingDay: '2026-07-07', kwh: 10 }, { operatingDay: '2026-06-30', kwh: 12 }, { operatingDay: '2026-06-23', kwh: 11 }];
  const history = historyOf(days);
  const rule = (d: Day, h = history, s = S) => highLowUsage(d, statsOf(d), h, s);

  it('flags 48 kWh against an 11 kWh average (more than 3 times) and 0.96 kWh (less than 0.2 times)', () => {
    const high = rule(veeDay(repeat(96, 0.5)));
    expect(high).to.include({ code: 'V04', rule: 'HIGH_LOW_USAGE' });
    expect(high!.reason).to.equal('48 kWh is more than 3 times the 11 kWh average of the same weekday (2026-06-23, 2026-06-30, 2026-07-07)');
    expect(rule(veeDay(repeat(96, 0.01)))!.reason).to.equal('0.96 kWh is less than 0.2 times the 11 kWh average of the same weekday (2026-06-23, 2026-06-30, 2026-07-07)');
  });

  it('passes 24 kWh (2.2 times), and compares nothing with fewer than 2 history days, a tiny average, or a day with a blank', () => {
    expect(rule(veeDay(repeat(96, 0.25)))).to.equal(null);
    expect(rule(veeDay(repeat(96, 0.5)), historyOf(days.slice(0, 1)))).to.equal(null);
    expect(rule(veeDay(repeat(96, 0.5)), historyOf(days.map((d) => ({ ...d, kwh: 1 }))))).to.equal(null);
    expect(rule(veeDay([null, ...repeat(95, 0.5)]))).to.equal(null);
  });

  it('compares a fall-back Sunday with earlier Sundays: 100 × 0.5 = 50 kWh against 12', () => {
    const sundays = historyOf(historyDays(FALL_BACK, 4).map((d) => ({ operatingDay: d, kwh: 12 })));
    expect(historyDays(FALL_BACK, 4)).to.deep.equal(['2026-10-25', '2026-10-18', '2026-10-11', '2026-10-04']);
    expect(rule(veeDay(repeat(100, 0.5), { operatingDay: FALL_BACK }), sundays)!.reason).to.equal('50 kWh is more than 3 times the 12 kWh average of the same weekday (2026-10-04, 2026-10-11, 2026-10-18, 2026-10-25)');
  });
});

describe('VEE time change (92 / 100 intervals in Central Prevailing Time)', () => {
  it("flags a fall-back record whose repeated hour is blank, and passes a full one", () => {
    const values = repeat(100, 0.3);
    for (const i of [8, 9, 10, 11]) values[i] = null;
    const f = timeChange(veeDay(values, { operatingDay: FALL_BACK }));
    expect(f).to.include({ code: 'V08', rule: 'TIME_CHANGE' });
    expect(f!.reason).to.equal('2026-11-01 (fall back, 01:00-02:00 repeated): the repeated hour (01:15* to 02:00*, after clocks fall back) is blank');
    expect(timeChange(veeDay(repeat(100, 0.3), { operatingDay: FALL_BACK }))).to.equal(null);
    expect(timeChange(veeDay(repeat(92, 0.3), { operatingDay: SPRING_FORWARD }))).to.equal(null);
  });

  it('flags a stored record of the wrong length (96 on spring forward)', () => {
    expect(timeChange(veeDay(repeat(96, 0.3), { operatingDay: SPRING_FORWARD }))!.reason)
      .to.equal('2026-03-08 (spring forward, 02:00-03:00 skipped) has 92 intervals in Central Prevailing Time; the record has 96');
  });

  it('turns a record refused with 03 on a time-change day into a finding, and leaves other refusals alone', () => {
    const base = { esiid: '10443720000000001', channel: 4, code: '03' };
    const f = timeChangeRejection({ ...base, operatingDay: FALL_BACK, reason: 'record at line 1 has 96 intervals; 2026-11-01 has 100' });
    expect(f).to.deep.equal({ code: 'V08', rule: 'TIME_CHANGE', esiid: base.esiid, channel: 4, operatingDay: FALL_BACK, version: null,
      reason: '2026-11-01 (fall back, 01:00-02:00 repeated) has 100 intervals in Central Prevailing Time; the record had 96 and was not loaded (result code 03)' });
    expect(timeChangeRejection({ ...base, operatingDay: '2026-07-14', reason: 'record at line 1 has 95 intervals; 2026-07-14 has 96' })).to.equal(null);
    expect(timeChangeRejection({ ...base, code: '02', operatingDay: SPRING_FORWARD, reason: 'x' })).to.equal(null);
  });
});

describe('VEE over one record and its settings', () => {
  it('runs every rule: a day with a spike over the meter maximum and no REP of record has three findings, in code order', () => {
    const values = repeat(96, 0.1);
    values[3] = 70;
    const day = veeDay(values, { hasRepOfRecord: false }), quiet = veeDay(repeat(96, 0.3));
    expect(checkDay(day, statsOf(day), undefined, S).map((f) => f.code)).to.deep.equal(['V02', 'V05', 'V06']);
    expect(checkDay(quiet, statsOf(quiet), undefined, S)).to.deep.equal([]);
  });

  it('reads SMT_VEE_* settings and refuses bad ones by name', () => {
    expect(veeSettings({})).to.deep.equal(S);
    expect(veeSettings({ SMT_VEE_SPIKE_FACTOR: '6.5', SMT_VEE_MODE: 'off' })).to.include({ spikeFactor: 6.5, mode: 'off' });
    expect(() => veeSettings({ SMT_VEE_SUM_TOLERANCE_PCT: 'two' })).to.throw('Setting SMT_VEE_SUM_TOLERANCE_PCT is "two"; expected a number such as 2');
    expect(() => veeSettings({ SMT_VEE_LOW_USAGE_FACTOR: '3' })).to.throw('Setting SMT_VEE_LOW_USAGE_FACTOR is 3; expected 0 to 1');
    expect(() => veeSettings({ SMT_VEE_HISTORY_WEEKS: '2.5' })).to.throw('Setting SMT_VEE_HISTORY_WEEKS is 2.5; expected a whole number');
    expect(() => veeSettings({ SMT_VEE_HISTORY_WEEKS: '2', SMT_VEE_HISTORY_MIN_DAYS: '3' })).to.throw(/SMT_VEE_HISTORY_MIN_DAYS \(3\) is more than SMT_VEE_HISTORY_WEEKS \(2\)/);
    expect(() => veeSettings({ SMT_VEE_MODE: 'maybe' })).to.throw('Setting SMT_VEE_MODE is "maybe"; allowed values: on, off');
  });
});

describe('VEE day statistics', () => {
  it('reads the same figures from intervals stored at any byte offset (aligned ones as 32-bit integers)', () => {
    const day = veeDay([0, 0, 1.5, null, 0, 2.25, 0, 0, 0, 0.5], { estimated: [2, 5] });
    const aligned = dayStats(day.values, day.intervalCount);
    expect(aligned).to.deep.include({ totalWh: 4250, blanks: 1, estimated: 2, present: 9, maxWh: 2250, maxIndex: 5, zeroRun: 3, zeroRunStart: 6 });
    for (const offset of [1, 2, 3, 4]) {
      const shifted = new Uint8Array(day.values.byteLength + offset);
      shifted.set(day.values, offset);
      expect(dayStats(shifted.subarray(offset), day.intervalCount)).to.deep.equal(aligned);
    }
  });
});
