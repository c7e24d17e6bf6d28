import { expect } from 'chai';
import { dayStats, type DayStats } from '../../../src/vee/vee-day';
import { sumCheck } from '../../../src/vee/rules/sum-check.rule';
import { pulseOverflow } from '../../../src/vee/rules/pulse-overflow.rule';
import { estimatedShare } from '../../../src/vee/rules/estimated-share.rule';
import { inactiveUsage } from '../../../src/vee/rules/inactive-usage.rule';
import { DEFAULT_VEE_SETTINGS as S } from '../../../src/vee/vee-settings';
import { FALL_BACK, repeat, SPRING_FORWARD, veeDay } from './vee-day.builder';

const statsOf = (d: { values: Uint8Array; intervalCount: number }): DayStats => dayStats(d.values, d.intervalCount);

const run = <T>(rule: (d: ReturnType<typeof veeDay>, x: DayStats, s: typeof S) => T, d: ReturnType<typeof veeDay>, s = S) => rule(d, statsOf(d), s);

describe('VEE sum check (intervals against the 00000002 register reads)', () => {
  it('passes a day whose 96 × 0.5 kWh match the register going from 1000 to 1048', () => {
    expect(run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '1000', stopReading: '1048' }))).to.equal(null);
  });

  it('flags 48 kWh of intervals against a 52 kWh register (4 kWh apart, 1.04 kWh allowed: 2% of 52)', () => {
    const f = run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '1000', stopReading: '1052' }));
    expect(f).to.include({ code: 'V01', rule: 'SUM_CHECK', esiid: '10443720000000001', operatingDay: '2026-07-14' });
    expect(f!.reason).to.equal('the intervals add up to 48 kWh but the register went from 1000 to 1052 (52 kWh): 4 kWh apart, more than the 1.04 kWh allowed');
  });

  it('allows the absolute tolerance when it is the larger: 0.9 kWh apart on a 10 kWh day passes (1 kWh allowed)', () => {
    expect(run(sumCheck, veeDay(repeat(96, 0.1125), { startReading: '500', stopReading: '511.7' }))).to.equal(null);
    // 96 × 0.1125 = 10.8; 10.8 vs 11.7 is 0.9 apart.
  });

  it('checks both time-change days on their own interval counts: 92 × 0.5 = 46 on spring forward, 100 × 0.5 = 50 on fall back', () => {
    expect(run(sumCheck, veeDay(repeat(92, 0.5), { operatingDay: SPRING_FORWARD, startReading: '200', stopReading: '246' }))).to.equal(null);
    expect(run(sumCheck, veeDay(repeat(100, 0.5), { operatingDay: FALL_BACK, startReading: '200', stopReading: '250' }))).to.equal(null);
    // A register that ran 96 intervals' worth on the 100-interval day: the intervals are 2 kWh over.
    const f = run(sumCheck, veeDay(repeat(100, 0.5), { operatingDay: FALL_BACK, startReading: '200', stopReading: '248' }));
    expect(f!.reason).to.equal('the intervals add up to 50 kWh but the register went from 200 to 248 (48 kWh): 2 kWh apart, more than the 1 kWh allowed');
  });

  it('flags a stop read below the start read (reset, rollover or exchange)', () => {
    const f = run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '99990', stopReading: '38' }));
    expect(f!.reason).to.equal('the stop register read 38 is below the start read 99990 (a meter reset, rollover or exchange?); the intervals add up to 48 kWh');
  });

  it('does not check without reads (CenterPoint: empty or 0), with a blank interval, or on the generation channel', () => {
    expect(run(sumCheck, veeDay(repeat(96, 0.5)))).to.equal(null);
    expect(run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '0', stopReading: '0' }))).to.equal(null);
    expect(run(sumCheck, veeDay([...repeat(95, 0.5), null], { startReading: '1000', stopReading: '1100' }))).to.equal(null);
    expect(run(sumCheck, veeDay(repeat(96, 0.5), { channel: 1, startReading: '1000', stopReading: '1100' }))).to.equal(null);
  });

  it('reads register reads in any notation Number takes, and plain ones to the Wh exactly', () => {
    // 48 kWh of intervals: each pair of reads is 48 kWh apart, written differently.
    for (const [startReading, stopReading] of [['1000.125', '1048.125'], ['.5', '48.5'], ['7.', '55'], [' 1000 ', '1048.0000'], ['1e3', '1.048e3'], ['+1000', '1048.00001']]) {
      expect(run(sumCheck, veeDay(repeat(96, 0.5), { startReading, stopReading })), `${startReading} to ${stopReading}`).to.equal(null);
    }
    expect(run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '1000.125', stopReading: '1052.126' }))!.reason).to.contain('(52.001 kWh)');
    expect(run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '.', stopReading: '1052' }))).to.equal(null);
    expect(run(sumCheck, veeDay(repeat(96, 0.5), { startReading: '1000', stopReading: '10x52' }))).to.equal(null);
  });

  it('follows the tolerance settings (SMT_VEE_SUM_TOLERANCE_KWH / _PCT)', () => {
    const day = veeDay(repeat(96, 0.5), { startReading: '1000', stopReading: '1052' });
    expect(run(sumCheck, day, { ...S, sumToleranceKwh: 4 })).to.equal(null);
    expect(run(sumCheck, day, { ...S, sumTolerancePct: 10 })).to.equal(null);
  });
});

describe('VEE pulse overflow (above what the meter can register)', () => {
  it('flags 60 kWh in one interval against the 50 kWh maximum, naming the interval', () => {
    const values = repeat(96, 0.4);
    values[70] = 60;
    const f = run(pulseOverflow, veeDay(values));
    expect(f).to.include({ code: 'V06', rule: 'PULSE_OVERFLOW' });
    expect(f!.reason).to.equal('the interval ending 17:45 reads 60 kWh, more than a meter can register in 15 minutes (50 kWh)');
  });

  it('accepts exactly the maximum, and counts every interval over it', () => {
    expect(run(pulseOverflow, veeDay([...repeat(95, 0.4), 50]))).to.equal(null);
    const f = run(pulseOverflow, veeDay([...repeat(94, 0.4), 51, 70]));
    expect(f!.reason).to.equal('the interval ending 24:00 reads 70 kWh, more than a meter can register in 15 minutes (50 kWh); 2 intervals are over that day');
  });

  it('names the interval in prevailing time on spring forward (03:15 follows 02:00)', () => {
    const values = repeat(92, 0.4);
    values[8] = 80;
    expect(run(pulseOverflow, veeDay(values, { operatingDay: SPRING_FORWARD }))!.reason).to.match(/^the interval ending 03:15 reads 80 kWh/);
  });
});

describe('VEE share of estimated intervals', () => {
  it('flags 30 estimated of 96 (31.3%) above 25%, and passes 24 of 96 (exactly 25%)', () => {
    const f = run(estimatedShare, veeDay(repeat(96, 0.5), { estimated: Array.from({ length: 30 }, (_, i) => i) }));
    expect(f).to.include({ code: 'V07', rule: 'ESTIMATED_SHARE' });
    expect(f!.reason).to.equal('30 of 96 intervals are estimated (E), 31.3%, above the 25% allowed');
    expect(run(estimatedShare, veeDay(repeat(96, 0.5), { estimated: Array.from({ length: 24 }, (_, i) => i) }))).to.equal(null);
  });

  it('counts on the fall-back day\'s 100 intervals: 26 of 100 is 26%', () => {
    const f = run(estimatedShare, veeDay(repeat(100, 0.5), { operatingDay: FALL_BACK, estimated: Array.from({ length: 26 }, (_, i) => i * 3) }));
    expect(f!.reason).to.equal('26 of 100 intervals are estimated (E), 26%, above the 25% allowed');
  });
});

describe('VEE usage for inactive meters', () => {
  it('flags usage on a day without a REP of record, and nothing when a REP serves it or nothing was used', () => {
    const f = inactiveUsage(veeDay(repeat(96, 0.25), { hasRepOfRecord: false }), statsOf(veeDay(repeat(96, 0.25))));
    expect(f).to.include({ code: 'V05', rule: 'INACTIVE_USAGE' });
    expect(f!.reason).to.equal('24 kWh used on a day without a REP of record for the ESI ID (no REP served it that day)');
    expect(inactiveUsage(veeDay(repeat(96, 0.25)), statsOf(veeDay(repeat(96, 0.25))))).to.equal(null);
    const idle = veeDay(repeat(96, 0), { hasRepOfRecord: false });
    expect(inactiveUsage(idle, statsOf(idle))).to.equal(null);
  });
});
