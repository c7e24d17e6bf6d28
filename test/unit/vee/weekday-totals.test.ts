import { expect } from 'chai';
import { dayNumber, dayText, decodeEntries, encodeEntries, KEPT_WEEKS, keepDay, weekdayOf, wholeDaysOf, type WeekdayEntries } from '../../../src/vee/weekday-totals';
import { addDays } from '../../../src/core/cpt';

const empty = (): WeekdayEntries => ({ days: [], totals: [] });
const wednesdays = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i * 7));

describe('VEE weekday totals (the High/Low Usage history)', () => {
  it('puts days of one weekday in one row, whatever their DST or year', () => {
    expect(new Set(['2026-10-07', '2026-11-04', '2025-11-05', '2027-03-10'].map(weekdayOf)).size).to.equal(1);
    expect(weekdayOf('2026-11-01')).to.not.equal(weekdayOf('2026-11-04'));
    expect(dayText(dayNumber('2026-03-08'))).to.equal('2026-03-08');
  });

  it('keeps the newest 13 days, newest first; a late older day goes in order and the oldest falls off', () => {
    const days = wednesdays('2026-01-07', 14);
    let row = empty();
    for (const [i, d] of days.entries()) row = keepDay(row, dayNumber(d), 1000 + i);
    expect(row.days.map(dayText)).to.deep.equal([...days].reverse().slice(0, KEPT_WEEKS));
    expect(row.totals[0]).to.equal(1013);
    // A supplemental version of a kept day replaces its total in place.
    row = keepDay(row, dayNumber(days[5]!), 7);
    expect(row.totals[row.days.indexOf(dayNumber(days[5]!))]).to.equal(7);
    expect(row.days).to.have.length(KEPT_WEEKS);
    // A day older than every kept one is not kept.
    row = keepDay(row, dayNumber('2025-12-31'), 5);
    expect(row.days.map(dayText)).to.not.include('2025-12-31');
  });

  it('answers only whole days among those asked for, in kWh, and survives its byte encoding', () => {
    let row = empty();
    row = keepDay(row, dayNumber('2026-10-07'), 9600);
    row = keepDay(row, dayNumber('2026-10-14'), null);
    row = keepDay(row, dayNumber('2026-10-21'), 0);
    const decoded = decodeEntries(encodeEntries(row));
    expect(decoded).to.deep.equal(row);
    expect(wholeDaysOf(decoded, ['2026-10-28', '2026-10-21', '2026-10-14', '2026-10-07'])).to.deep.equal([
      { operatingDay: '2026-10-21', kwh: 0 }, { operatingDay: '2026-10-07', kwh: 9.6 },
    ]);
    expect(wholeDaysOf(undefined, ['2026-10-07'])).to.deep.equal([]);
  });
});
