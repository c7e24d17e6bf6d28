import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { idColumn as id, column, varchar } from './migration-columns';

/** VEE findings: what the data-quality rules flagged on loaded records (src/vee/, docs/data-quality.md). */
export class VeeFindings1764720006000 implements MigrationInterface {
  name = 'VeeFindings1764720006000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'vee_finding',
      columns: [id, column('file_id', 'integer'), varchar('tdsp_duns', 13), varchar('esiid', 64), column('channel', 'integer'),
        varchar('operating_day', 10), varchar('version', 14, true), varchar('code', 4), varchar('rule', 24), varchar('reason', 500),
        varchar('found_at', 30)],
      indices: [{ name: 'idx_vee_finding_day', columnNames: ['operating_day', 'tdsp_duns'] },
        { name: 'idx_vee_finding_file', columnNames: ['file_id'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('vee_finding', true);
  }
}
