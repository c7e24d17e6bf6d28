import { expect } from 'chai';
import { dayNumber, dayText, decodeEntries, KEPT_WEEKS, keepDay, weekdayOf, wholeDaysIn } from '../../../src/vee/weekday-totals';
import { addDays } from '../../../src/core/cpt';

const wednesdays = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i * 7));

describe('VEE weekday totals (the High/Low Usage history)', () => {
  it('puts days of one weekday in one row, whatever their DST or year', () => {
    expect(new Set(['2026-10-07', '2026-11-04', '2025-11-05', '2027-03-10'].map(weekdayOf)).size).to.equal(1);
    expect(weekdayOf('2026-11-01')).to.not.equal(weekdayOf('2026-11-04'));
    expect(dayText(dayNumber('2026-03-08'))).to.equal('2026-03-08');
  });

  it('keeps the newest 13 days, newest first; a later version replaces a day in place; a day older than a full row is not kept', () => {
    const days = wednesdays('2026-01-07', 14);
    let row: Buffer | undefined;
    for (const [i, d] of days.entries()) row = keepDay(row, dayNumber(d), 1000 + i);
    const kept = decodeEntries(row!);
    expect(kept.days.map(dayText)).to.deep.equal([...days].reverse().slice(0, KEPT_WEEKS));
    expect(kept.totals).to.deep.equal([...days.keys()].reverse().slice(0, KEPT_WEEKS).map((i) => 1000 + i));
    row = keepDay(row, dayNumber(days[5]!), 7);
    const replaced = decodeEntries(row);
    expect(replaced.days).to.deep.equal(kept.days);
    expect(replaced.totals[replaced.days.indexOf(dayNumber(days[5]!))]).to.equal(7);
    expect(decodeEntries(keepDay(row, dayNumber('2025-12-31'), 5))).to.deep.equal(replaced);
  });

  it('puts a late day in its place in a row that is not full, and the newest first', () => {
    let row = keepDay(undefined, dayNumber('2026-10-21'), 3);
    row = keepDay(row, dayNumber('2026-10-07'), 1);
    row = keepDay(row, dayNumber('2026-10-14'), 2);
    row = keepDay(row, dayNumber('2026-10-28'), 4);
    expect(decodeEntries(row)).to.deep.equal({ days: ['2026-10-28', '2026-10-21', '2026-10-14', '2026-10-07'].map(dayNumber), totals: [4, 3, 2, 1] });
  });

  it('answers only whole days among those asked for, in kWh', () => {
    let row = keepDay(undefined, dayNumber('2026-10-07'), 9600);
    row = keepDay(row, dayNumber('2026-10-14'), null);
    row = keepDay(row, dayNumber('2026-10-21'), 0);
    const days = ['2026-10-28', '2026-10-21', '2026-10-14', '2026-10-07'];
    expect(wholeDaysIn(row, 0, row.byteLength / 8, days, days.map(dayNumber))).to.deep.equal([
      { operatingDay: '2026-10-21', kwh: 0 }, { operatingDay: '2026-10-07', kwh: 9.6 },
    ]);
    expect(wholeDaysIn(row, 0, 0, days, days.map(dayNumber))).to.deep.equal([]);
  });
});
