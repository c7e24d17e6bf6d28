import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * A scheduled unit of work that failed backs off (docs/operations.md): job_lease keeps, beside its
 * lease, how many times in a row it failed and when it may next be tried, so every instance on the
 * database waits the same backoff.
 */
export class JobLeaseRetries1764720007610 implements MigrationInterface {
  name = 'JobLeaseRetries1764720007610';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('job_lease', [
      new TableColumn({ name: 'failures', type: 'integer', isNullable: false, default: 0 }),
      new TableColumn({ name: 'retry_at', type: 'varchar', length: '30', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('job_lease', 'retry_at');
    await q.dropColumn('job_lease', 'failures');
  }
}
