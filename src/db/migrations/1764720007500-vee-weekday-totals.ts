import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * vee_weekday_total: per ESI ID and weekday, the whole-day consumption totals of the most recent
 * weeks, packed (src/vee/weekday-totals.ts). The High/Low Usage rule reads one such row per record
 * instead of a day's intervals for each week it compares with.
 */
export class VeeWeekdayTotals1764720007500 implements MigrationInterface {
  name = 'VeeWeekdayTotals1764720007500';

  async up(q: QueryRunner): Promise<void> {
    const type = q.connection.options.type;
    const blob = type === 'postgres' ? 'BYTEA' : type === 'mssql' ? 'VARBINARY(200)' : 'BLOB';
    // On SQLite, WITHOUT ROWID keeps a weekday's rows together in ESI ID order, as interval_day keeps a day's.
    const tail = type === 'better-sqlite3' ? ' WITHOUT ROWID' : '';
    await q.query(`CREATE TABLE vee_weekday_total (
      weekday INTEGER NOT NULL,
      esiid VARCHAR(64) NOT NULL,
      totals ${blob} NOT NULL,
      PRIMARY KEY (weekday, esiid)
    )${tail}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE vee_weekday_total');
  }
}
