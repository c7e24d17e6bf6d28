import { expect } from 'chai';
import { addDays, cptTimestamp, cptToday, dstDays, intervalsInDay, isDay, reportSlots } from '../../../src/core/cpt';

const DAY_MS = 86_400_000;
const INTERVAL_MS = 15 * 60_000;

// The zone's own offset, read through a different Intl path than the module uses (timeZoneName
// instead of wall-clock parts), so the cross-check does not share the code it checks.
const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', timeZoneName: 'longOffset' });

/** UTC offset of America/Chicago at an instant, in minutes (-300 for CDT, -360 for CST). */
function chicagoOffsetMinutes(at: number): number {
  const name = offsetFormat.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) throw new Error(`unexpected offset label ${name}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * The instant of local midnight starting a calendar day. Chicago changes its clocks at 02:00, so
 * 05:00 UTC of the same date (00:00 CDT or 23:00 CST the evening before) always sits between the
 * previous change and the next one: the offset read there is the offset at midnight.
 */
function localMidnightUtc(year: number, month: number, day: number): number {
  const utcMidnight = Date.UTC(year, month - 1, day);
  return utcMidnight - chicagoOffsetMinutes(utcMidnight + 5 * 3_600_000) * 60_000;
}

function ymd(t: number): [number, number, number] {
  const d = new Date(t);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function dayString(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

describe('core/cpt', () => {
  describe('dstDays', () => {
    it('follows the 2007 rules: second Sunday of March, first Sunday of November', () => {
      expect(dstDays(2025)).to.deep.equal({ springForward: '2025-03-09', fallBack: '2025-11-02' });
      expect(dstDays(2007)).to.deep.equal({ springForward: '2007-03-11', fallBack: '2007-11-04' });
    });

    it('follows the 1987-2006 rules: first Sunday of April, last Sunday of October', () => {
      expect(dstDays(2006)).to.deep.equal({ springForward: '2006-04-02', fallBack: '2006-10-29' });
    });

    it('follows the 1967-1986 rules: last Sunday of April, last Sunday of October', () => {
      expect(dstDays(1986)).to.deep.equal({ springForward: '1986-04-27', fallBack: '1986-10-26' });
    });

    it('starts 1974 early, on January 6, as the emergency act did', () => {
      expect(dstDays(1974)).to.deep.equal({ springForward: '1974-01-06', fallBack: '1974-10-27' });
    });

    it('has no DST days before the Uniform Time Act took effect', () => {
      expect(dstDays(1966)).to.equal(null);
    });
  });

  describe('intervalsInDay', () => {
    it('gives 96 on a normal day, 92 on spring-forward, 100 on fall-back', () => {
      expect(intervalsInDay('2025-07-01')).to.equal(96);
      expect(intervalsInDay('2025-03-09')).to.equal(92);
      expect(intervalsInDay('2025-11-02')).to.equal(100);
      // The days around a change are ordinary.
      expect(intervalsInDay('2025-03-08')).to.equal(96);
      expect(intervalsInDay('2025-03-10')).to.equal(96);
      expect(intervalsInDay('2025-11-01')).to.equal(96);
      expect(intervalsInDay('2025-11-03')).to.equal(96);
    });

    it('matches the length of every day of 1990-2030 in the IANA America/Chicago zone', () => {
      const first = Date.UTC(1990, 0, 1);
      const last = Date.UTC(2030, 11, 31);
      const mismatches: string[] = [];
      let start = localMidnightUtc(...ymd(first));
      let days = 0;
      for (let t = first; t <= last; t += DAY_MS) {
        const next = localMidnightUtc(...ymd(t + DAY_MS));
        const zoneIntervals = (next - start) / INTERVAL_MS;
        const day = dayString(t);
        if (intervalsInDay(day) !== zoneIntervals) mismatches.push(`${day}: ${intervalsInDay(day)} vs zone ${zoneIntervals}`);
        start = next;
        days++;
      }
      expect(days).to.equal(14_975);
      expect(mismatches).to.deep.equal([]);
    });

    it('matches the zone on the 1974 and 1986 change days', () => {
      for (const [day, expected] of [['1974-01-06', 92], ['1974-10-27', 100], ['1986-04-27', 92], ['1986-10-26', 100]] as const) {
        const [y, m, d] = day.split('-').map(Number);
        const zone = (localMidnightUtc(...ymd(Date.UTC(y, m - 1, d + 1))) - localMidnightUtc(y, m, d)) / INTERVAL_MS;
        expect(zone, `zone length of ${day}`).to.equal(expected);
        expect(intervalsInDay(day), day).to.equal(expected);
      }
    });
  });

  describe('reportSlots', () => {
    it('lists 96 quarter hours of a normal day, each stored at its own index', () => {
      const slots = reportSlots('2025-07-01');
      expect(slots).to.have.length(96);
      expect(slots[0]).to.deep.equal({ slot: 1, start: '00:00', end: '00:15', index: 0 });
      expect(slots[95]).to.deep.equal({ slot: 96, start: '23:45', end: '00:00', index: 95 });
      expect(slots.map((s) => s.index)).to.deep.equal([...Array(96).keys()]);
      expect(slots.map((s) => s.slot)).to.deep.equal([...Array(96).keys()].map((i) => i + 1));
    });

    it('keeps 96 rows on spring-forward with the missing 02:00-03:00 hour blank', () => {
      const slots = reportSlots('2025-03-09');
      expect(slots).to.have.length(96);
      const gap = slots.filter((s) => s.index === null);
      expect(gap.map((s) => s.slot)).to.deep.equal([9, 10, 11, 12]);
      expect(gap.map((s) => `${s.start}-${s.end}`)).to.deep.equal(['02:00-02:15', '02:15-02:30', '02:30-02:45', '02:45-03:00']);
      // The 92 stored intervals fill the other rows in order, with no hole in the indexes.
      expect(slots.filter((s) => s.index !== null).map((s) => s.index)).to.deep.equal([...Array(92).keys()]);
      expect(slots[7]).to.deep.include({ start: '01:45', index: 7 });
      expect(slots[12]).to.deep.include({ start: '03:00', index: 8 });
      expect(slots[95]).to.deep.equal({ slot: 96, start: '23:45', end: '00:00', index: 91 });
    });

    it('prints the 01:00-02:00 hour twice on fall-back, 100 rows indexed in order', () => {
      const slots = reportSlots('2025-11-02');
      expect(slots).to.have.length(100);
      expect(slots.map((s) => s.index)).to.deep.equal([...Array(100).keys()]);
      expect(slots.map((s) => s.slot)).to.deep.equal([...Array(100).keys()].map((i) => i + 1));
      expect(slots.slice(0, 14).map((s) => s.start)).to.deep.equal([
        '00:00', '00:15', '00:30', '00:45',
        '01:00', '01:15', '01:30', '01:45',
        '01:00', '01:15', '01:30', '01:45',
        '02:00', '02:15',
      ]);
      expect(slots[11]).to.deep.include({ end: '02:00' });
      expect(slots.filter((s) => s.start === '01:00')).to.have.length(2);
      expect(slots.filter((s) => s.start === '00:45')).to.have.length(1);
      expect(slots[99]).to.deep.equal({ slot: 100, start: '23:45', end: '00:00', index: 99 });
    });
  });

  describe('addDays', () => {
    it('crosses month and year ends both ways', () => {
      expect(addDays('2025-01-31', 1)).to.equal('2025-02-01');
      expect(addDays('2025-04-30', 1)).to.equal('2025-05-01');
      expect(addDays('2025-12-31', 1)).to.equal('2026-01-01');
      expect(addDays('2026-01-01', -1)).to.equal('2025-12-31');
      expect(addDays('2025-03-01', -1)).to.equal('2025-02-28');
      expect(addDays('2025-07-15', 0)).to.equal('2025-07-15');
    });

    it('knows leap years, including the century rules', () => {
      expect(addDays('2024-02-28', 1)).to.equal('2024-02-29');
      expect(addDays('2024-02-29', 1)).to.equal('2024-03-01');
      expect(addDays('2023-02-28', 1)).to.equal('2023-03-01');
      expect(addDays('2000-02-28', 1)).to.equal('2000-02-29');
      expect(addDays('2100-02-28', 1)).to.equal('2100-03-01');
      expect(addDays('2024-03-01', -1)).to.equal('2024-02-29');
      expect(addDays('2024-01-01', 366)).to.equal('2025-01-01');
      expect(addDays('2025-01-01', 365)).to.equal('2026-01-01');
    });

    it('counts a DST day as one day, whatever its length', () => {
      expect(addDays('2025-03-08', 1)).to.equal('2025-03-09');
      expect(addDays('2025-03-09', 1)).to.equal('2025-03-10');
      expect(addDays('2025-11-02', 1)).to.equal('2025-11-03');
      expect(addDays('2025-11-03', -2)).to.equal('2025-11-01');
    });
  });

  describe('isDay', () => {
    it('accepts real YYYY-MM-DD dates', () => {
      for (const day of ['2025-07-01', '2024-02-29', '2000-02-29', '1999-12-31', '2025-01-31']) {
        expect(isDay(day), day).to.equal(true);
      }
    });

    it('rejects impossible dates and other layouts', () => {
      for (const day of [
        '2025-02-29', '1900-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '2025-01-32',
        '2025-1-01', '20250101', '2025/01/01', ' 2025-01-01', '2025-01-01 ', '2025-01-01T00:00', '', 'yesterday',
      ]) {
        expect(isDay(day), JSON.stringify(day)).to.equal(false);
      }
    });
  });

  describe('cptTimestamp and cptToday', () => {
    it('jumps from 01:59:59 CST to 03:00:00 CDT on spring-forward', () => {
      expect(cptTimestamp(new Date('2025-03-09T07:59:59Z'))).to.equal(20250309015959);
      expect(cptTimestamp(new Date('2025-03-09T08:00:00Z'))).to.equal(20250309030000);
    });

    it('repeats 01:00-02:00 on fall-back', () => {
      expect(cptTimestamp(new Date('2025-11-02T06:59:59Z'))).to.equal(20251102015959);
      expect(cptTimestamp(new Date('2025-11-02T07:00:00Z'))).to.equal(20251102010000);
      expect(cptTimestamp(new Date('2025-11-02T07:59:59Z'))).to.equal(20251102015959);
      expect(cptTimestamp(new Date('2025-11-02T08:00:00Z'))).to.equal(20251102020000);
    });

    it('prints midnight as hour 00, not 24', () => {
      expect(cptTimestamp(new Date('2025-03-09T06:00:00Z'))).to.equal(20250309000000);
      expect(cptTimestamp(new Date('2025-07-01T05:00:00Z'))).to.equal(20250701000000);
    });

    it('turns the operating day at local midnight, six hours after UTC in winter and five in summer', () => {
      expect(cptToday(new Date('2025-03-09T05:59:59Z'))).to.equal('2025-03-08');
      expect(cptToday(new Date('2025-03-09T06:00:00Z'))).to.equal('2025-03-09');
      // The day after spring-forward starts under CDT.
      expect(cptToday(new Date('2025-03-10T04:59:59Z'))).to.equal('2025-03-09');
      expect(cptToday(new Date('2025-03-10T05:00:00Z'))).to.equal('2025-03-10');
      // The day after fall-back starts under CST again.
      expect(cptToday(new Date('2025-11-03T05:59:59Z'))).to.equal('2025-11-02');
      expect(cptToday(new Date('2025-11-03T06:00:00Z'))).to.equal('2025-11-03');
    });

    it('reads the current time when no instant is given', () => {
      const before = cptToday(new Date());
      const today = cptToday();
      const after = cptToday(new Date());
      expect([before, after]).to.include(today);
      expect(isDay(today)).to.equal(true);
    });
  });
});
