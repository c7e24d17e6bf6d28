import { expect } from 'chai';
import { candidateDays, dayType, holidays } from '../../../src/estimation/day-type';
import { fitToDay } from '../../../src/estimation/proxy-shape';

describe('platform estimation: day types and proxy candidates', () => {
  it('knows the holidays of 2026 and the day type of any day', () => {
    expect([...holidays(2026)].sort()).to.deep.equal(['2026-01-01', '2026-05-25', '2026-07-04', '2026-09-07', '2026-11-26', '2026-12-25']);
    expect(dayType('2026-11-26')).to.equal('holiday'); // Thanksgiving, a Thursday
    expect(dayType('2026-11-28')).to.equal('weekend');
    expect(dayType('2026-11-24')).to.equal('weekday');
    expect(dayType('2026-07-04')).to.equal('holiday'); // a Saturday, still the holiday
  });

  it('tries a Tuesday\'s earlier Tuesdays first, most recent first, then other weekdays, within 12 months', () => {
    const c = candidateDays('2026-11-24');
    expect(c.slice(0, 3)).to.deep.equal([
      { day: '2026-11-17', method: 'SAME_DAY' }, { day: '2026-11-10', method: 'SAME_DAY' }, { day: '2026-11-03', method: 'SAME_DAY' },
    ]);
    const like = c.filter((x) => x.method === 'LIKE_DAY');
    expect(like.slice(0, 3).map((x) => x.day)).to.deep.equal(['2026-11-23', '2026-11-20', '2026-11-19']);
    expect(c.every((x) => x.day >= '2025-11-24' && x.day < '2026-11-24')).to.equal(true);
    expect(c.some((x) => x.day === '2025-11-27')).to.equal(false); // Thanksgiving 2025 is no weekday proxy
  });

  it('tries holidays first for a holiday, then weekend days', () => {
    const c = candidateDays('2026-11-26');
    expect(c.filter((x) => x.method === 'SAME_DAY').map((x) => x.day)).to.deep.equal(['2026-09-07', '2026-07-04', '2026-05-25', '2026-01-01', '2025-12-25', '2025-11-27']);
    expect(c.find((x) => x.method === 'LIKE_DAY')!.day).to.equal('2026-11-22');
  });
});

describe('platform estimation: a proxy fitted to the missing day by wall-clock time', () => {
  const proxy96 = Array.from({ length: 96 }, (_, i) => i);

  it('drops 02:00-03:00 for spring forward (92) and repeats 01:00-02:00 for fall back (100)', () => {
    const spring = fitToDay(proxy96, '2026-03-01', '2026-03-08');
    expect(spring).to.have.length(92);
    expect(spring.slice(6, 10)).to.deep.equal([6, 7, 12, 13]); // 01:45, 02:00, then 03:15, 03:30
    const fall = fitToDay(proxy96, '2026-10-25', '2026-11-01');
    expect(fall).to.have.length(100);
    expect(fall.slice(4, 13)).to.deep.equal([4, 5, 6, 7, 4, 5, 6, 7, 8]); // the hour once more, then 02:15
  });

  it('reads a time-change proxy by the same clock: a 100-interval proxy counts its repeated hour once, a 92-interval one borrows the hour before', () => {
    const proxy100 = Array.from({ length: 100 }, (_, i) => i);
    const fromFall = fitToDay(proxy100, '2026-11-01', '2026-11-08');
    expect(fromFall).to.have.length(96);
    expect(fromFall.slice(6, 10)).to.deep.equal([6, 7, 12, 13]);
    const proxy92 = Array.from({ length: 92 }, (_, i) => i);
    const fromSpring = fitToDay(proxy92, '2026-03-08', '2026-03-15');
    expect(fromSpring).to.have.length(96);
    expect(fromSpring.slice(6, 14)).to.deep.equal([6, 7, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps a normal day as it is', () => {
    expect(fitToDay(proxy96, '2026-11-17', '2026-11-24')).to.deep.equal(proxy96);
  });
});
