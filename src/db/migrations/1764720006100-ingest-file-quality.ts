import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, varchar } from './migration-columns';

/** Per loaded file: intervals stored, estimated, blank, and estimates replaced by actuals (load statistics, docs/data-quality.md). */
export class IngestFileQuality1764720006100 implements MigrationInterface {
  name = 'IngestFileQuality1764720006100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'ingest_file_quality',
      columns: [{ ...column('file_id', 'integer'), isPrimary: true }, column('records', 'integer'), column('intervals', 'integer'),
        column('estimated_intervals', 'integer'), column('blank_intervals', 'integer'),
        { ...column('estimated_to_actual', 'integer'), default: 0 }, column('findings', 'integer'), varchar('checked_at', 30)],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ingest_file_quality', true);
  }
}
