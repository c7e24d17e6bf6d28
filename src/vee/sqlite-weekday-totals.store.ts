import Database from 'better-sqlite3';
import { SQLITE_BUSY_TIMEOUT_MS } from '../db/sqlite-settings';
import { applyIngestPragmas } from '../ingest/sqlite-ingest.store';
import { WeekdayBuckets } from './weekday-buckets';
import type { WeekdayRows, WeekdayTotalsStore } from './weekday-totals';

/** Up to this many buckets are read by key look-ups; beyond it, one key range is cheaper. */
const LOOKUP_LIMIT = 50;

/**
 * VEE's weekday totals on the embedded database: a connection of its own with the ingest
 * connection's settings (it writes after each load), prepared statements and raw rows. A TDSP's
 * day is one key range of its weekday's buckets; a few buckets are looked up one by one.
 */
export class SqliteWeekdayTotalsStore implements WeekdayTotalsStore {
  private readonly db: Database.Database;
  private readonly one: Database.Statement;
  private readonly range: Database.Statement;
  private readonly put: Database.Statement;
  private readonly dataVersion: Database.Statement;
  /** Saves of each weekday's buckets through this connection so far: its own commits do not change its data_version. */
  private readonly saves = new Map<number, number>();

  constructor(file: string) {
    this.db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    // The same durability as the load it follows, and no WAL checkpoint of the load's pages forced on this connection's small commits.
    applyIngestPragmas(this.db);
    this.one = this.db.prepare('SELECT members FROM vee_weekday_bucket WHERE weekday = ? AND bucket = ?').pluck();
    this.range = this.db.prepare('SELECT bucket, members FROM vee_weekday_bucket WHERE weekday = ? AND bucket BETWEEN ? AND ?').raw();
    // An existing row is updated in place (REPLACE would delete and insert it).
    this.put = this.db.prepare('INSERT INTO vee_weekday_bucket (weekday, bucket, members) VALUES (?, ?, ?) ON CONFLICT (weekday, bucket) DO UPDATE SET members = excluded.members');
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
  }

  /** What has been committed that may touch the weekday's buckets, as this connection can tell: equal twice, nothing was written in between. */
  private written(weekday: number): string {
    return `${this.dataVersion.get() as number}/${this.saves.get(weekday) ?? 0}`;
  }

  async open(weekday: number, wanted: ReadonlySet<string>): Promise<WeekdayRows> {
    const readAfter = this.written(weekday);
    const read = new Map<string, Uint8Array>();
    if (wanted.size <= LOOKUP_LIMIT) {
      for (const bucket of wanted) {
        const members = this.one.get(weekday, bucket) as Buffer | undefined;
        if (members) read.set(bucket, members);
      }
    } else {
      let low = '\uffff', high = '';
      for (const b of wanted) {
        if (b < low) low = b;
        if (b > high) high = b;
      }
      for (const [bucket, members] of this.range.all(weekday, low, high) as [string, Buffer][]) if (wanted.has(bucket)) read.set(bucket, members);
    }
    // The write takes the database's write lock, then reads the buckets again unless nothing was
    // written since they were read, so no other writer changes one in between.
    return new WeekdayBuckets(read, async (rows) => this.db.transaction(() => {
      const unchanged = this.written(weekday) === readAfter;
      for (const bucket of rows.changedBuckets()) {
        this.put.run(weekday, bucket, rows.merged(bucket, unchanged ? read.get(bucket) : this.one.get(weekday, bucket) as Buffer | undefined));
      }
      this.saves.set(weekday, (this.saves.get(weekday) ?? 0) + 1);
    }).immediate());
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
