import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Room left on each page of rep_of_record for a second version of every row on it (percent filled). */
export const REP_OF_RECORD_FILLFACTOR = 45;

/**
 * PostgreSQL only: rep_of_record's pages are filled to 45% (docs/postgres.md). A day's LSE file
 * moves the end of every learnt stretch it extends (a TDSP's daily file: each of its ESI IDs), in
 * one statement; with room on the page the new row versions stay there (heap-only tuples) instead
 * of going to new pages with a new entry in each of the table's three indexes, which made the
 * statement several times dearer and wrote about six times the WAL. The setting applies to pages
 * written from now on: an existing table settles as its rows are updated, or at once with
 * `VACUUM FULL rep_of_record` in a maintenance window. Other databases: nothing to do.
 */
export class RepOfRecordFillfactor1764720007300 implements MigrationInterface {
  name = 'RepOfRecordFillfactor1764720007300';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await q.query(`ALTER TABLE rep_of_record SET (fillfactor = ${REP_OF_RECORD_FILLFACTOR})`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await q.query('ALTER TABLE rep_of_record RESET (fillfactor)');
  }
}
