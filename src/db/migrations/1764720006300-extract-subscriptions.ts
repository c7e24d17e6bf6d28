import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, varchar } from './migration-columns';

/** Subscriptions to the Supplemental AMS Interval Data Extract (docs/data-quality.md). */
export class ExtractSubscriptions1764720006300 implements MigrationInterface {
  name = 'ExtractSubscriptions1764720006300';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'extract_subscription',
      columns: [{ ...varchar('duns', 13), isPrimary: true }, column('participant_id', 'integer'), varchar('created_at', 30), varchar('last_extract_day', 10, true)],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('extract_subscription', true);
  }
}
