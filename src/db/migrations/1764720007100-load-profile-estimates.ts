import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Default-profile estimates and estimates in reports (docs/data-quality.md): an ESI ID's load profile
 * class (optional), the class a default-profile estimate was shaped by, and whether a report request
 * asked for platform estimates of its missing days.
 */
export class LoadProfileEstimates1764720007100 implements MigrationInterface {
  name = 'LoadProfileEstimates1764720007100';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('esiid', new TableColumn({ name: 'load_profile_class', type: 'varchar', length: '16', isNullable: true }));
    await q.addColumn('platform_estimate', new TableColumn({ name: 'load_profile_class', type: 'varchar', length: '16', isNullable: true }));
    await q.addColumn('report_request', new TableColumn({ name: 'platform_estimates', type: 'boolean', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('report_request', 'platform_estimates');
    await q.dropColumn('platform_estimate', 'load_profile_class');
    await q.dropColumn('esiid', 'load_profile_class');
  }
}
