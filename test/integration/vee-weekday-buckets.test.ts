import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { bucketMembers, bucketOf, bucketsOf, memberTotals } from '../../src/vee/weekday-buckets';
import { dayNumber, decodeEntries, weekdayOf, type WeekdayTotalsStore } from '../../src/vee/weekday-totals';
import { engineHarness } from '../support/engine-harness';

/** The row the Wednesdays below go to. */
const WEDNESDAY = weekdayOf('2026-10-14');
const A = '10443720000000101', B = '10443720000000102', C = '10443720000000203', D = '10443720000000204';

/** Kept days as vee_weekday_total held them before migration 1764720007700: day number and total, int32 each, newest first. */
const pairs = (...days: [string, number][]): Buffer => {
  const out = Buffer.alloc(days.length * 8);
  days.forEach(([day, total], i) => {
    out.writeInt32LE(dayNumber(day), i * 8);
    out.writeInt32LE(total, i * 8 + 4);
  });
  return out;
};

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`VEE weekday buckets in the database (${engine})`, function () {
    this.timeout(60_000);
    let app: App;
    let db: DataSource;
    let totals: WeekdayTotalsStore;
    let cleanUp: (() => Promise<void>) | undefined;
    let dataDir = '';
    let env: Record<string, string> = {};

    before(async function () {
      const harness = await engineHarness(this, engine, 'smt-vee-buckets-');
      cleanUp = harness.cleanUp;
      ({ dataDir, env } = harness.cli);
      app = createApp(loadConfig({ SMT_DATA_DIR: dataDir, ...env }));
      db = await app.db();
      totals = await app.weekdayTotals();
    });
    after(async () => {
      await app?.close();
      await cleanUp?.();
    });

    /** The ESI ID's kept totals of the October Wednesdays, newest first, in Wh (-1: not whole). */
    const history = async (weekday: number, esiid: string): Promise<number[]> => {
      const days = ['2026-10-28', '2026-10-21', '2026-10-14', '2026-10-07'];
      const bucket = (await db.query(`SELECT members FROM vee_weekday_bucket WHERE weekday = ${weekday} AND bucket = '${bucketOf(esiid)}'`))[0]?.members as Uint8Array | undefined;
      const kept = decodeEntries(memberTotals(bucket, esiid) ?? new Uint8Array(0));
      return days.flatMap((d) => (kept.days.includes(dayNumber(d)) ? [kept.totals[kept.days.indexOf(dayNumber(d))]!] : []));
    };

    it('two files read the same bucket, each keeps a day for its own ESI ID, and both days are stored whatever the order they write in', async () => {
      const first = await totals.open(WEDNESDAY, bucketsOf([A]));
      const second = await totals.open(WEDNESDAY, bucketsOf([B]));
      first.keep(A, '2026-10-14', 1000);
      second.keep(B, '2026-10-14', 2000);
      await first.save();
      await second.save();
      expect(await history(WEDNESDAY, A)).to.deep.equal([1000]);
      expect(await history(WEDNESDAY, B)).to.deep.equal([2000]);
      // Then a file of both, against a reader that read before it and writes after.
      const late = await totals.open(WEDNESDAY, bucketsOf([A]));
      const both = await totals.open(WEDNESDAY, bucketsOf([A, B]));
      both.keep(A, '2026-10-21', 1100);
      both.keep(B, '2026-10-21', 2100);
      await both.save();
      late.keep(A, '2026-10-28', 1200);
      await late.save();
      expect(await history(WEDNESDAY, A)).to.deep.equal([1200, 1000]);
      expect(await history(WEDNESDAY, B)).to.deep.equal([2100, 2000]);
    });

    it('a file whose bucket another connection wrote after the read sets only its own member on the bucket as stored then', async () => {
      const other = createApp(loadConfig({ SMT_DATA_DIR: dataDir, ...env }));
      try {
        const mine = await totals.open(WEDNESDAY, bucketsOf([C]));
        const theirs = await (await other.weekdayTotals()).open(WEDNESDAY, bucketsOf([D]));
        theirs.keep(D, '2026-10-14', 4000);
        await theirs.save();
        mine.keep(C, '2026-10-14', 3000);
        await mine.save();
        expect(await history(WEDNESDAY, C)).to.deep.equal([3000]);
        expect(await history(WEDNESDAY, D)).to.deep.equal([4000]);
      } finally {
        await other.close();
      }
    });

    it('migration 1764720007700 carries each ESI ID\'s kept days into its window in a bucket, and back when undone', async () => {
      await db.undoLastMigration({ transaction: 'each' });
      const rows = [
        { esiid: A, totals: pairs(['2026-10-14', 2], ['2026-10-07', 1]) },
        { esiid: B, totals: pairs(['2026-10-14', -1]) },
        { esiid: C, totals: pairs(['2026-10-14', 3]) },
        // 14 weeks before its newest day: outside the window, and compared with by no check.
        { esiid: D, totals: pairs(['2026-10-14', 4], ['2026-07-08', 9]) },
      ];
      await db.createQueryBuilder().delete().from('vee_weekday_total').execute();
      await db.createQueryBuilder().insert().into('vee_weekday_total', ['weekday', 'esiid', 'totals']).values(rows.map((r) => ({ weekday: WEDNESDAY, ...r }))).execute();
      await db.runMigrations({ transaction: 'each' });
      expect(await history(WEDNESDAY, A)).to.deep.equal([2, 1]);
      expect(await history(WEDNESDAY, B)).to.deep.equal([-1]);
      expect(await history(WEDNESDAY, C)).to.deep.equal([3]);
      expect(await history(WEDNESDAY, D)).to.deep.equal([4]);
      expect((await db.query(`SELECT bucket FROM vee_weekday_bucket WHERE weekday = ${WEDNESDAY} ORDER BY bucket`)).map((r: { bucket: string }) => r.bucket)).to.deep.equal(['104437200000001', '104437200000002']);
      await db.undoLastMigration({ transaction: 'each' });
      const back = await db.query(`SELECT esiid, totals FROM vee_weekday_total WHERE weekday = ${WEDNESDAY} ORDER BY esiid`);
      expect(back.map((r: { esiid: string; totals: Uint8Array }) => [r.esiid, Buffer.from(r.totals).toString('hex')])).to.deep.equal(
        [...rows.slice(0, 3), { esiid: D, totals: pairs(['2026-10-14', 4]) }].map((r) => [r.esiid, r.totals.toString('hex')]));
      await db.runMigrations({ transaction: 'each' });
      expect(await history(WEDNESDAY, A)).to.deep.equal([2, 1]);
    });

    it('migration 1764720007700 stops on a row it cannot read, naming it and what to do, and carries the rest once it is gone', async () => {
      await db.undoLastMigration({ transaction: 'each' });
      await db.createQueryBuilder().delete().from('vee_weekday_total').execute();
      const rows = [
        { esiid: A, totals: pairs(['2026-10-14', 2]) },
        // One cut short, one with a day of another weekday.
        { esiid: B, totals: pairs(['2026-10-14', 1], ['2026-10-07', 1]).subarray(0, 12) },
        { esiid: C, totals: pairs(['2026-10-14', 3], ['2026-10-08', 1]) },
      ];
      await db.createQueryBuilder().insert().into('vee_weekday_total', ['weekday', 'esiid', 'totals']).values(rows.map((r) => ({ weekday: WEDNESDAY, ...r }))).execute();
      const failed = await db.runMigrations({ transaction: 'each' }).then(() => null, (error: Error) => error.message);
      expect(failed).to.equal(`vee_weekday_total (weekday ${WEDNESDAY}, ESI ID ${B}) cannot be carried over: 12 bytes are not whole day and total pairs of 8 bytes; delete the row (smt vee totals takes it again from the stored intervals) and migrate again`);
      await db.createQueryBuilder().delete().from('vee_weekday_total').where('esiid = :esiid', { esiid: B }).execute();
      const again = await db.runMigrations({ transaction: 'each' }).then(() => null, (error: Error) => error.message);
      expect(again).to.equal(`vee_weekday_total (weekday ${WEDNESDAY}, ESI ID ${C}) cannot be carried over: day 2026-10-14 is not the weekday of the window's 2026-10-08; delete the row (smt vee totals takes it again from the stored intervals) and migrate again`);
      await db.createQueryBuilder().delete().from('vee_weekday_total').where('esiid = :esiid', { esiid: C }).execute();
      await db.runMigrations({ transaction: 'each' });
      expect(await history(WEDNESDAY, A)).to.deep.equal([2]);
      expect(await history(WEDNESDAY, C)).to.deep.equal([]);
    });

    it('migration 1764720007700 completes a bucket the 5,000-row pages cut in two, and keeps every member', async () => {
      await db.undoLastMigration({ transaction: 'each' });
      await db.createQueryBuilder().delete().from('vee_weekday_total').execute();
      // 5,100 ESI IDs from ...0050: the first page ends in the middle of bucket 104437200000050.
      const rows = Array.from({ length: 5_100 }, (_, i) => ({ weekday: WEDNESDAY, esiid: String(10443720000000050n + BigInt(i)), totals: pairs(['2026-10-14', i]) }));
      for (let i = 0; i < rows.length; i += 500) await db.createQueryBuilder().insert().into('vee_weekday_total', ['weekday', 'esiid', 'totals']).values(rows.slice(i, i + 500)).execute();
      await db.runMigrations({ transaction: 'each' });
      const buckets = await db.query(`SELECT bucket, members FROM vee_weekday_bucket WHERE weekday = ${WEDNESDAY} ORDER BY bucket`);
      const kept = buckets.flatMap((b: { bucket: string; members: Uint8Array }) => bucketMembers(b.bucket, b.members).map((m) => `${m.esiid} ${decodeEntries(m.totals).totals.join()}`));
      expect(kept).to.deep.equal(rows.map((r, i) => `${r.esiid} ${i}`));
      expect(buckets.map((b: { bucket: string }) => b.bucket)).to.include('104437200000050');
    });
  });
}
