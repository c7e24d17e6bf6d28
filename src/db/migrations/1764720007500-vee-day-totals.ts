import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * vee_day_total: each ESI ID's whole-day consumption in Wh, newest version, kept by the VEE check
 * so the High/Low Usage rule reads a few bytes per history day instead of a day's intervals
 * (src/vee/vee-day-totals.ts, docs/data-quality.md). total_wh is null for a day that is not whole
 * (blank intervals or the wrong interval count): it is never compared with.
 */
export class VeeDayTotals1764720007500 implements MigrationInterface {
  name = 'VeeDayTotals1764720007500';

  async up(q: QueryRunner): Promise<void> {
    // On SQLite, WITHOUT ROWID keeps the rows in key order (day first), as interval_day does.
    const tail = q.connection.options.type === 'better-sqlite3' ? ' WITHOUT ROWID' : '';
    await q.query(`CREATE TABLE vee_day_total (
      operating_day VARCHAR(10) NOT NULL,
      esiid VARCHAR(64) NOT NULL,
      version BIGINT NOT NULL,
      total_wh INTEGER,
      PRIMARY KEY (operating_day, esiid)
    )${tail}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE vee_day_total');
  }
}
