import type { MigrationInterface, QueryRunner } from 'typeorm';
import { readBuckets } from '../../vee/typeorm-weekday-totals.store';
import { bucketFrom, bucketMembers, bucketOf } from '../../vee/weekday-buckets';
import { decodeEntries, keepDayIn, WINDOW_BYTES } from '../../vee/weekday-totals';

/** Rows moved per step: a large history is never held whole. */
const PAGE = 5_000;
/** Rows a statement inserts or deletes (SQL Server takes at most 2,100 parameters a statement). */
const INSERT_ROWS = 500;

/**
 * VEE's weekday totals move from one row per ESI ID and weekday (vee_weekday_total) to one row per
 * weekday and ESI ID prefix (vee_weekday_bucket, src/vee/weekday-buckets.ts): a TDSP's day is then
 * hundreds of rows to read and write instead of one per ESI ID. vee_weekday_lock has a row per
 * weekday, which server-database writers lock to take turns on a weekday's buckets. Each ESI ID's
 * kept days (day and total pairs) become its window of 13 weeks (src/vee/weekday-totals.ts); a day
 * more than 12 weeks before the ESI ID's newest, which no check compares with, is not carried over.
 */
export class VeeWeekdayBuckets1764720007700 implements MigrationInterface {
  name = 'VeeWeekdayBuckets1764720007700';

  async up(q: QueryRunner): Promise<void> {
    await createTotalsTable(q, 'vee_weekday_bucket', 'bucket', 'members');
    await q.query('CREATE TABLE vee_weekday_lock (weekday INTEGER NOT NULL PRIMARY KEY)');
    await insertRows(q, 'vee_weekday_lock', [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday })));
    await copyPages(q, 'vee_weekday_total', 'esiid', 'totals', async (weekday, rows) => {
      // A bucket's members mostly come in one page; one begun on an earlier page is completed and written again.
      const buckets = await readBuckets(q.manager, weekday, [...new Set(rows.map((r) => bucketOf(r.key)))]);
      const begun = [...buckets.keys()];
      for (let i = 0; i < begun.length; i += INSERT_ROWS) {
        await q.manager.createQueryBuilder().delete().from('vee_weekday_bucket').where('weekday = :weekday AND bucket IN (:...part)', { weekday, part: begun.slice(i, i + INSERT_ROWS) }).execute();
      }
      const members = new Map([...buckets].map(([bucket, stored]) => [bucket, bucketMembers(bucket, stored)]));
      for (const r of rows) {
        const key = bucketOf(r.key);
        if (!members.has(key)) members.set(key, []);
        members.get(key)!.push({ esiid: r.key, totals: windowOf(r.value, `weekday ${weekday}, ESI ID ${r.key}`) });
      }
      await insertRows(q, 'vee_weekday_bucket', [...members].map(([bucket, list]) => ({ weekday, bucket, members: Buffer.from(bucketFrom(list)) })));
    });
    await q.query('DROP TABLE vee_weekday_total');
  }

  async down(q: QueryRunner): Promise<void> {
    await createTotalsTable(q, 'vee_weekday_total', 'esiid', 'totals');
    await copyPages(q, 'vee_weekday_bucket', 'bucket', 'members', (weekday, rows) =>
      insertRows(q, 'vee_weekday_total', rows.flatMap((r) => bucketMembers(r.key, r.value).map((m) => ({ weekday, esiid: m.esiid, totals: pairsOf(m.totals) })))));
    await q.query('DROP TABLE vee_weekday_lock');
    await q.query('DROP TABLE vee_weekday_bucket');
  }
}

/** A table of packed totals keyed by weekday and `key`; on SQLite WITHOUT ROWID keeps a weekday's rows together in key order, as interval_day keeps a day's. */
async function createTotalsTable(q: QueryRunner, table: string, key: string, value: string): Promise<void> {
  const type = q.connection.options.type;
  const blob = type === 'postgres' ? 'BYTEA' : type === 'mssql' ? 'VARBINARY(MAX)' : 'BLOB';
  await q.query(`CREATE TABLE ${table} (
    weekday INTEGER NOT NULL,
    ${key} VARCHAR(64) NOT NULL,
    ${value} ${blob} NOT NULL,
    PRIMARY KEY (weekday, ${key})
  )${type === 'better-sqlite3' ? ' WITHOUT ROWID' : ''}`);
}

/** Every row of `table`, weekday by weekday, in key order, a page at a time. */
async function copyPages(q: QueryRunner, table: string, key: string, value: string, copy: (weekday: number, rows: { key: string; value: Uint8Array }[]) => Promise<void>): Promise<void> {
  for (let weekday = 0; weekday < 7; weekday++) {
    for (let after = ''; ;) {
      const page = await q.manager.createQueryBuilder().select([key, value]).from(table, 't')
        .where(`weekday = :weekday AND ${key} > :after`, { weekday, after }).orderBy(key).limit(PAGE).getRawMany();
      if (page.length === 0) break;
      await copy(weekday, page.map((r) => ({ key: r[key] as string, value: r[value] as Uint8Array })));
      after = page[page.length - 1][key];
    }
  }
}

/** Inserts rows INSERT_ROWS at a time. */
async function insertRows(q: QueryRunner, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    await q.manager.createQueryBuilder().insert().into(table, Object.keys(rows[0]!)).values(rows.slice(i, i + INSERT_ROWS)).execute();
  }
}

/** vee_weekday_total's totals, day and total pairs (int32 each, little-endian, newest first), as a window; `row` names the row in an error. */
function windowOf(pairs: Uint8Array, row: string): Uint8Array {
  const window = new Uint8Array(WINDOW_BYTES);
  try {
    if (pairs.byteLength % 8 !== 0) throw new Error(`${pairs.byteLength} bytes are not whole day and total pairs of 8 bytes`);
    const view = new DataView(pairs.buffer, pairs.byteOffset, pairs.byteLength);
    for (let at = pairs.byteLength - 8; at >= 0; at -= 8) keepDayIn(window, 0, view.getInt32(at, true), view.getInt32(at + 4, true));
  } catch (error) {
    throw new Error(`vee_weekday_total (${row}) cannot be carried over: ${(error as Error).message}; delete the row (smt vee totals takes it again from the stored intervals) and migrate again`);
  }
  return window;
}

/** A window as vee_weekday_total's day and total pairs. */
function pairsOf(window: Uint8Array): Buffer {
  const { days, totals } = decodeEntries(window);
  const out = Buffer.alloc(days.length * 8);
  days.forEach((day, i) => {
    out.writeInt32LE(day, i * 8);
    out.writeInt32LE(totals[i]!, i * 8 + 4);
  });
  return out;
}
