import { expect } from 'chai';
import { billingPeriods, MONTHLY_HEADER, MonthlyAccumulator, readDate } from '../../../src/usage/monthly-report.builder';
import { csvChunk, csvHeader } from '../../../src/usage/report-csv';
import type { UsageDay } from '../../../src/usage/usage-day';

const E = 0x40000000;
const BLANK = -2147483648;
const ESIID = '10443720009255964';

function packed(values: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(values).buffer);
}

function day(operatingDay: string, version: number, values: number[], readings: [string | null, string | null] = [null, null]): UsageDay {
  return {
    esiid: ESIID, operatingDay, channel: 4, version, intervalCount: values.length, values: packed(values),
    startReading: readings[0], stopReading: readings[1], meterNumber: null,
  };
}

function fill(wh: number, count = 96): number[] {
  return Array<number>(count).fill(wh);
}

describe('usage/monthly-report.builder', () => {
  it('prints the header', () => {
    expect(csvHeader(MONTHLY_HEADER)).to.equal(
      'ESIID,START_DATE,END_DATE,ACTUAL_KWH,ESTIMATED_KWH,TOTAL_KWH,METERED_KWH,REVISION_DATE\r\n',
    );
  });

  describe('billingPeriods', () => {
    it('follows calendar months without a read cycle, clipped to the range', () => {
      expect(billingPeriods('2025-11-15', '2026-02-10', null)).to.deep.equal([
        { start: '2025-11-15', end: '2025-11-30', firstUsageDay: '2025-11-15', lastUsageDay: '2025-11-30' },
        { start: '2025-12-01', end: '2025-12-31', firstUsageDay: '2025-12-01', lastUsageDay: '2025-12-31' },
        { start: '2026-01-01', end: '2026-01-31', firstUsageDay: '2026-01-01', lastUsageDay: '2026-01-31' },
        { start: '2026-02-01', end: '2026-02-10', firstUsageDay: '2026-02-01', lastUsageDay: '2026-02-10' },
      ]);
    });

    it('reads cycle 5 on the 5th weekday of each month', () => {
      // Oct 2025 starts Wed: 1,2,3,6,7. Nov starts Sat: 3,4,5,6,7. Dec starts Mon: 1-5.
      // Jan 2026 starts Thu: 1,2,5,6,7. Feb starts Sun: 2-6. Mar starts Sun: 2-6.
      expect([[2025, 10], [2025, 11], [2025, 12], [2026, 1], [2026, 2], [2026, 3]].map(([y, m]) => readDate(y, m, 5))).to.deep.equal(
        ['2025-10-07', '2025-11-07', '2025-12-05', '2026-01-07', '2026-02-06', '2026-03-06'],
      );
    });

    it('reads on the last weekday when a month has fewer weekdays than the cycle', () => {
      // Jan 2026: weekdays 26-29 are the 18th-21st. Feb 2026 has 20 weekdays, the last Fri 27.
      expect(readDate(2026, 1, 21)).to.equal('2026-01-29');
      expect(readDate(2026, 2, 21)).to.equal('2026-02-27');
      expect(readDate(2026, 2, 20)).to.equal('2026-02-27');
    });

    it('runs cycle periods from read date to read date across a year end, clipping the first and last', () => {
      expect(billingPeriods('2025-11-01', '2026-02-28', 5)).to.deep.equal([
        { start: '2025-11-01', end: '2025-11-07', firstUsageDay: '2025-11-01', lastUsageDay: '2025-11-06' },
        { start: '2025-11-07', end: '2025-12-05', firstUsageDay: '2025-11-07', lastUsageDay: '2025-12-04' },
        { start: '2025-12-05', end: '2026-01-07', firstUsageDay: '2025-12-05', lastUsageDay: '2026-01-06' },
        { start: '2026-01-07', end: '2026-02-06', firstUsageDay: '2026-01-07', lastUsageDay: '2026-02-05' },
        { start: '2026-02-06', end: '2026-02-28', firstUsageDay: '2026-02-06', lastUsageDay: '2026-02-28' },
      ]);
    });

    it('starts on a read date that is the first day, and gives a last day that is a read date its own period', () => {
      expect(billingPeriods('2025-12-05', '2026-01-07', 5)).to.deep.equal([
        { start: '2025-12-05', end: '2026-01-07', firstUsageDay: '2025-12-05', lastUsageDay: '2026-01-06' },
        { start: '2026-01-07', end: '2026-01-07', firstUsageDay: '2026-01-07', lastUsageDay: '2026-01-07' },
      ]);
    });

    it('is empty for a reversed range', () => {
      expect(billingPeriods('2026-01-02', '2026-01-01', null)).to.deep.equal([]);
    });
  });

  describe('MonthlyAccumulator', () => {
    it('sums actual and estimated Wh per period, newest version of each day, newest revision', () => {
      const acc = new MonthlyAccumulator(ESIID, billingPeriods('2025-11-29', '2026-01-31', null));
      acc.add(day('2025-11-29', 20251130060000, fill(10), ['100', '101.5']));
      const revised = fill(10);
      revised[50] = 500 | E;
      acc.add(day('2025-11-30', 20251203120000, revised, ['101.5', '103.25']));
      // An older version arriving later must not replace the revision.
      acc.add(day('2025-11-30', 20251201060000, fill(10), ['101.5', '102']));
      acc.add(day('2025-12-01', 20251202060000, fill(20), ['110', null]));
      const estimated = fill(5 | E);
      estimated[0] = BLANK;
      acc.add(day('2025-12-15', 20251216061530, estimated));
      acc.add(day('2026-02-01', 20260202060000, fill(10)));
      // Nov: 960 + 950 A, 500 E; metered 103.250 - 100.000. Dec: 1920 A, 95 x 5 = 475 E; Dec 31 not stored.
      // Jan: no stored day, no row. Feb 1 lies outside the periods.
      expect(csvChunk(acc.rows())).to.equal(
        "'10443720009255964,11/29/2025,11/30/2025,1.910,0.500,2.410,3.250,12/03/2025 12:00:00\r\n" +
        "'10443720009255964,12/01/2025,12/31/2025,1.920,0.475,2.395,,12/16/2025 06:15:30\r\n",
      );
    });

    it('meters a read-cycle period from the first usage day start read to the last usage day stop read', () => {
      const acc = new MonthlyAccumulator(ESIID, billingPeriods('2025-12-05', '2026-01-06', 5));
      acc.add(day('2025-12-05', 20251206070000, fill(1000), ['5000.000', '5096']));
      acc.add(day('2026-01-06', 20260107070000, fill(1), ['5099.9', '5100.5']));
      // 96000 + 96 Wh; metered 5100.500 - 5000.000.
      expect(csvChunk(acc.rows())).to.equal(
        "'10443720009255964,12/05/2025,01/07/2026,96.096,0.000,96.096,100.500,01/07/2026 07:00:00\r\n",
      );
    });

    it('leaves METERED_KWH empty when the last usage day has no stop read', () => {
      const acc = new MonthlyAccumulator(ESIID, billingPeriods('2025-12-05', '2026-01-06', 5));
      acc.add(day('2025-12-05', 20251206070000, fill(1000), ['5000', '5096']));
      acc.add(day('2026-01-06', 20260107070000, fill(1), [null, null]));
      expect(acc.rows()[0][6]).to.equal('');
    });

    it('prints nothing when no day was stored', () => {
      expect(new MonthlyAccumulator(ESIID, billingPeriods('2025-12-01', '2025-12-31', null)).rows()).to.deep.equal([]);
    });

    it('refuses to add up two channels or another ESI ID', () => {
      const acc = new MonthlyAccumulator(ESIID, billingPeriods('2025-12-01', '2025-12-31', null));
      acc.add(day('2025-12-01', 20251202060000, fill(1)));
      expect(() => acc.add({ ...day('2025-12-02', 20251203060000, fill(1)), channel: 1 })).to.throw(/channel 1 after channel 4/);
      expect(() => acc.add({ ...day('2025-12-02', 20251203060000, fill(1)), esiid: '1' })).to.throw(/given a day of 1/);
    });
  });
});
