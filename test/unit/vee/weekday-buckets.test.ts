import { expect } from 'chai';
import { bucketFrom, bucketMembers, bucketOf, bucketsOf, MEMBER_BYTES, memberTotals, WeekdayBuckets } from '../../../src/vee/weekday-buckets';
import type { VeeHistory } from '../../../src/vee/vee-day';
import { dayNumber, decodeEntries, keepDay, keepDayIn } from '../../../src/vee/weekday-totals';

const totals = (...pairs: [string, number][]): Uint8Array => pairs.reduce<Uint8Array | undefined>((row, [day, wh]) => keepDay(row, dayNumber(day), wh), undefined)!;
const decoded = (row: Uint8Array | undefined) => (row ? decodeEntries(row) : undefined);
/** A bucket of these ESI IDs, each with its window. */
const bucketWith = (...members: [string, Uint8Array][]) => bucketFrom(members.map(([esiid, window]) => ({ esiid, totals: window })));
const answered = (h: VeeHistory) => [h.wholeDays, h.totalWh, h.days()];
const OCTOBER_WEDNESDAYS = ['2026-10-21', '2026-10-14', '2026-10-07'];

describe('VEE weekday buckets (the High/Low Usage history, many ESI IDs a row)', () => {
  it('finds the buckets of ESI IDs in order or not, short ones included', () => {
    expect([...bucketsOf(['10443720000000101', '10443720000000102', '10443720000000201', '10443720000000103', '1044372000000010', '7', '7A', 'Z'])])
      .to.deep.equal(['104437200000001', '104437200000002', '10443720000000', '']);
  });

  it('groups ESI IDs by all but their last two characters and keeps members in suffix order', () => {
    expect(bucketOf('10443720000000123')).to.equal('104437200000001');
    expect(bucketOf('AB')).to.equal('');
    expect(bucketOf('7')).to.equal('');
    const bucket = bucketWith(...['10443720000000199', '10443720000000100', '1044372000000010A', '10443720000000150'].map((esiid) => [esiid, totals(['2026-10-07', esiid.length])] as [string, Uint8Array]));
    expect(bucket.byteLength).to.equal(4 * MEMBER_BYTES);
    expect(bucketMembers('104437200000001', bucket).map((m) => m.esiid)).to.deep.equal(['10443720000000100', '1044372000000010A', '10443720000000150', '10443720000000199']);
    expect(memberTotals(bucket, '10443720000000151')).to.equal(undefined);
    expect(memberTotals(undefined, '10443720000000151')).to.equal(undefined);
  });

  it('answers each ESI ID its own history whatever order they are asked in, across buckets and with members missing', () => {
    const member = (esiid: string, wh: number): [string, Uint8Array] => [esiid, totals(['2026-10-14', wh])];
    const rows = new WeekdayBuckets(new Map([
      ['104437200000001', bucketWith(member('10443720000000101', 101), member('10443720000000102', 102), member('10443720000000104', 104))],
      ['104437200000002', bucketWith(member('10443720000000201', 201), member('10443720000000202', 202))],
    ]), async () => undefined);
    const asked = ['10443720000000101', '10443720000000102', '10443720000000103', '10443720000000104', '10443720000000202', '10443720000000201',
      '10443720000000102', '10443720000000202', '10443720000000101', '10443720000000203'];
    expect(asked.map((esiid) => rows.history(esiid, ['2026-10-14'], [dayNumber('2026-10-14')]).totalWh)).to.deep.equal([101, 102, 0, 104, 202, 201, 102, 202, 101, 0]);
  });

  it('keeps one-character and two-character ESI IDs apart in the same bucket', () => {
    const bucket = bucketWith(['Z', totals(['2026-10-07', 3])], ['7A', totals(['2026-10-07', 2])], ['7', totals(['2026-10-07', 1])]);
    expect(bucketMembers('', bucket).map((m) => [m.esiid, decodeEntries(m.totals).totals[0]])).to.deep.equal([['7', 1], ['7A', 2], ['Z', 3]]);
  });

  it('builds a bucket of its own: a window it was built from, or a bucket built from its members, can change without changing it', () => {
    const window = totals(['2026-10-07', 1]);
    const first = bucketWith(['10443720000000101', window]);
    keepDayIn(window, 0, dayNumber('2026-10-14'), 2);
    expect(decoded(memberTotals(first, '10443720000000101'))!.totals).to.deep.equal([1]);
    const second = bucketFrom(bucketMembers('104437200000001', first));
    keepDayIn(memberTotals(second, '10443720000000101')!, 0, dayNumber('2026-10-21'), 3);
    expect(decoded(memberTotals(first, '10443720000000101'))!.totals).to.deep.equal([1]);
    expect(decoded(memberTotals(second, '10443720000000101'))).to.deep.equal({ days: ['2026-10-21', '2026-10-07'].map(dayNumber), totals: [3, 1] });
  });

  it("answers the history as it was before the file, keeps the file's days, and writes only the buckets it changed", async () => {
    const stored = bucketWith(['10443720000000101', totals(['2026-10-07', 9600])]);
    let written: WeekdayBuckets | null = null;
    const rows = new WeekdayBuckets(new Map([['104437200000001', stored]]), async (r) => void (written = r));
    rows.keep('10443720000000101', '2026-10-14', 9700);
    rows.keep('10443720000000102', '2026-10-14', null);
    rows.keep('10443720000000201', '2026-10-14', 5);
    expect(answered(rows.history('10443720000000101', OCTOBER_WEDNESDAYS, OCTOBER_WEDNESDAYS.map(dayNumber)))).to.deep.equal([1, 9600, ['2026-10-07']]);
    expect(answered(rows.history('10443720000000102', OCTOBER_WEDNESDAYS, OCTOBER_WEDNESDAYS.map(dayNumber)))).to.deep.equal([0, 0, []]);
    await rows.save();
    expect(written).to.equal(rows);
    expect(rows.changedBuckets().sort()).to.deep.equal(['104437200000001', '104437200000002']);
    const mine = rows.merged('104437200000001', stored);
    expect(decoded(memberTotals(mine, '10443720000000101'))!.totals).to.deep.equal([9700, 9600]);
    expect(decoded(memberTotals(mine, '10443720000000102'))!.totals).to.deep.equal([-1]);
    expect(decoded(memberTotals(stored, '10443720000000101'))!.totals).to.deep.equal([9600]);
  });

  it('never changes the bytes it read, which the database hands over as Buffers (whose slice shares them)', () => {
    const read = Buffer.from(bucketWith(['10443720000000101', totals(['2026-10-07', 9600])]));
    const before = Buffer.from(read);
    const rows = new WeekdayBuckets(new Map([['104437200000001', read]]), async () => undefined);
    rows.keep('10443720000000101', '2026-10-14', 9700);
    rows.keep('10443720000000101', '2026-10-21', 9800);
    expect(read.equals(before)).to.equal(true);
    expect(answered(rows.history('10443720000000101', OCTOBER_WEDNESDAYS, OCTOBER_WEDNESDAYS.map(dayNumber)))).to.deep.equal([1, 9600, ['2026-10-07']]);
    expect(decoded(memberTotals(rows.merged('104437200000001', Buffer.from(before)), '10443720000000101'))!.totals).to.deep.equal([9800, 9700, 9600]);
  });

  it("sets only its own members on a bucket another writer changed since it was read, keeping the other writer's", () => {
    const read = bucketWith(['10443720000000101', totals(['2026-10-07', 1])]);
    const rows = new WeekdayBuckets(new Map([['104437200000001', read]]), async () => undefined);
    rows.keep('10443720000000102', '2026-10-14', 2);
    // Meanwhile another file kept a day for 0101 and added 0103 to the same bucket.
    const theirs = bucketWith(['10443720000000101', totals(['2026-10-07', 1], ['2026-10-14', 11])], ['10443720000000103', totals(['2026-10-14', 3])]);
    const merged = rows.merged('104437200000001', theirs);
    expect(bucketMembers('104437200000001', merged).map((m) => [m.esiid, decodeEntries(m.totals).totals])).to.deep.equal([
      ['10443720000000101', [11, 1]], ['10443720000000102', [2]], ['10443720000000103', [3]],
    ]);
    // A bucket that was new to both writers.
    const fresh = new WeekdayBuckets(new Map(), async () => undefined);
    fresh.keep('10443720000000301', '2026-10-14', 4);
    const other = bucketWith(['10443720000000302', totals(['2026-10-14', 5])]);
    expect(bucketMembers('104437200000003', fresh.merged('104437200000003', other)).map((m) => m.esiid)).to.deep.equal(['10443720000000301', '10443720000000302']);
  });

  it('takes a file of every possible ESI ID of one bucket (3,906, letters and digits) into it in suffix order, each with its day', async () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    // ESI IDs of one and two characters all share the bucket of the empty prefix.
    const esiids = [...alphabet].flatMap((a) => ['', ...alphabet].map((b) => `${a}${b}`));
    expect(new Set(esiids.map(bucketOf))).to.deep.equal(new Set(['']));
    const rows = new WeekdayBuckets(new Map(), async () => undefined);
    [...esiids].reverse().forEach((esiid, i) => rows.keep(esiid, '2026-10-14', i));
    expect(rows.changedBuckets()).to.deep.equal(['']);
    const bucket = rows.merged('', undefined);
    expect(bucket.byteLength).to.equal(3_906 * MEMBER_BYTES);
    const members = bucketMembers('', bucket);
    expect(members.map((m) => m.esiid)).to.deep.equal([...esiids].sort());
    const byEsiid = new Map(members.map((m) => [m.esiid, decodeEntries(m.totals).totals]));
    expect(byEsiid.get(esiids[0]!)).to.deep.equal([3_905]);
    expect(byEsiid.get(esiids[3_905]!)).to.deep.equal([0]);
  });
});
