import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { idColumn as id, column, varchar } from './migration-columns';

/** The platform's estimates for days without TDSP data, apart from interval_day (docs/data-quality.md). */
export class PlatformEstimates1764720006200 implements MigrationInterface {
  name = 'PlatformEstimates1764720006200';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'platform_estimate',
      columns: [id, varchar('esiid', 64), varchar('operating_day', 10), varchar('tdsp_duns', 13), varchar('method', 16), varchar('source_day', 10),
        column('interval_count', 'integer'), column('interval_wh', 'text'), column('total_wh', 'integer'), varchar('created_at', 30)],
      indices: [{ name: 'idx_platform_estimate_day', columnNames: ['operating_day', 'esiid'], isUnique: true }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('platform_estimate', true);
  }
}
