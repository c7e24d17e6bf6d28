import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Who holds a load in progress (ingest_file.loader), so an instance starting up marks as interrupted
 * only the loads no live process holds (docs/postgres.md, docs/operations.md): on PostgreSQL the
 * key of a session advisory lock its instance holds for as long as it lives; on the embedded
 * database the loading process (host, pid and start time). Rows of older versions have none.
 */
export class IngestFileLoader1764720007310 implements MigrationInterface {
  name = 'IngestFileLoader1764720007310';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('ingest_file', new TableColumn({ name: 'loader', type: 'varchar', length: '120', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('ingest_file', 'loader');
  }
}
