import { expect } from 'chai';
import { DEFAULT_PROFILES, defaultProfileDay, isLoadProfileClass, LOAD_PROFILE_CLASSES, profileByClock } from '../../../src/estimation/default-profiles';

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

describe('platform estimation: default load profiles by class', () => {
  it('offers six classes, each with 24 hourly weights per day kind', () => {
    expect(LOAD_PROFILE_CLASSES).to.deep.equal(['RESLOWR', 'RESHIWR', 'BUSLOLF', 'BUSMEDLF', 'BUSHILF', 'BUSNODEM']);
    for (const c of LOAD_PROFILE_CLASSES) {
      expect(DEFAULT_PROFILES[c].weekdayHours, c).to.have.length(24);
      expect(DEFAULT_PROFILES[c].weekendHours, c).to.have.length(24);
    }
    expect(isLoadProfileClass('RESLOWR')).to.equal(true);
    expect(isLoadProfileClass('reslowr')).to.equal(false); // the importer upper-cases; the check itself is exact
    expect(isLoadProfileClass('toString')).to.equal(false);
  });

  it('scales a weekday shape to the class\'s daily kWh: RESLOWR, 30 kWh, 75 Wh per weight point per quarter-hour', () => {
    const day = profileByClock('RESLOWR', false);
    expect(day).to.have.length(96);
    // Hour 00 has weight 3: 30,000 Wh × 3 / (4 × 100) = 225 Wh; hour 17 weight 7: 525 Wh; hour 23 weight 2: 150 Wh.
    expect(day.slice(0, 4)).to.deep.equal([225, 225, 225, 225]);
    expect(day.slice(68, 72)).to.deep.equal([525, 525, 525, 525]);
    expect(day.slice(92)).to.deep.equal([150, 150, 150, 150]);
    expect(sum(day)).to.equal(30_000);
  });

  it('uses the weekend shape on weekends and holidays', () => {
    // 2026-12-25 is a Friday and a holiday: BUSLOLF's weekend day, 80 kWh, not its 400 kWh weekday.
    expect(sum(defaultProfileDay('BUSLOLF', '2026-12-25'))).to.equal(80_000);
    expect(sum(defaultProfileDay('BUSLOLF', '2026-12-24'))).to.equal(400_000);
    expect(sum(defaultProfileDay('BUSLOLF', '2026-12-26'))).to.equal(80_000); // a Saturday
  });

  it('fits the clock to the time-change days: 92 intervals on 2026-03-08, 100 on 2026-11-01 (both Sundays)', () => {
    // BUSHILF is flat: 768 kWh on a weekend day is 8,000 Wh every quarter-hour.
    expect(defaultProfileDay('BUSHILF', '2026-03-08')).to.deep.equal(Array(92).fill(8_000));
    expect(defaultProfileDay('BUSHILF', '2026-11-01')).to.deep.equal(Array(100).fill(8_000));
    // RESLOWR weekend, 32 kWh: 80 Wh per weight point. Spring forward drops hour 02 (weight 2, 4 × 160 Wh);
    // fall back repeats hour 01 (weight 3, 4 × 240 Wh).
    const spring = defaultProfileDay('RESLOWR', '2026-03-08');
    expect(spring).to.have.length(92);
    expect(spring.slice(4, 12)).to.deep.equal([240, 240, 240, 240, 160, 160, 160, 160]); // hour 01, then hour 03
    expect(sum(spring)).to.equal(32_000 - 640);
    const fall = defaultProfileDay('RESLOWR', '2026-11-01');
    expect(fall).to.have.length(100);
    expect(fall.slice(4, 12)).to.deep.equal(Array(8).fill(240)); // hour 01 twice
    expect(fall.slice(12, 16)).to.deep.equal([160, 160, 160, 160]); // then hour 02
    expect(sum(fall)).to.equal(32_000 + 960);
  });
});
