import { expect } from 'chai';
import { dayNumber, dayText, decodeEntries, KEPT_WEEKS, keepDay, weekdayOf, WINDOW_BYTES, wholeDaysIn } from '../../../src/vee/weekday-totals';
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

  it('answers only whole days among those asked for: how many, their total, and which', () => {
    let row = keepDay(undefined, dayNumber('2026-10-07'), 9600);
    row = keepDay(row, dayNumber('2026-10-14'), null);
    row = keepDay(row, dayNumber('2026-10-21'), 0);
    const days = ['2026-10-28', '2026-10-21', '2026-10-14', '2026-10-07'];
    const history = wholeDaysIn(row, 0, days, days.map(dayNumber));
    expect([history.wholeDays, history.totalWh, history.days()]).to.deep.equal([2, 9600, ['2026-10-21', '2026-10-07']]);
    const earlier = ['2026-09-30', '2026-09-23'];
    expect(wholeDaysIn(row, 0, earlier, earlier.map(dayNumber)).wholeDays).to.equal(0);
    expect(wholeDaysIn(new Uint8Array(WINDOW_BYTES), 0, days, days.map(dayNumber)).wholeDays).to.equal(0);
  });

  it('moves the window on past weeks without a day, and keeps a window the size of 13 weeks however sparse', () => {
    let row = keepDay(undefined, dayNumber('2026-01-07'), 1);
    row = keepDay(row, dayNumber('2026-02-04'), 2);
    expect(decodeEntries(row)).to.deep.equal({ days: ['2026-02-04', '2026-01-07'].map(dayNumber), totals: [2, 1] });
    row = keepDay(row, dayNumber('2026-04-08'), 3);
    expect(decodeEntries(row).days.map(dayText)).to.deep.equal(['2026-04-08', '2026-02-04']);
    row = keepDay(row, dayNumber('2026-07-08'), 4);
    expect(decodeEntries(row).days.map(dayText)).to.deep.equal(['2026-07-08']);
    expect(row.byteLength).to.equal(WINDOW_BYTES);
    expect(() => keepDay(row, dayNumber('2026-07-09'), 5)).to.throw('day 2026-07-09 is not the weekday of the window\'s 2026-07-08');
  });
});
