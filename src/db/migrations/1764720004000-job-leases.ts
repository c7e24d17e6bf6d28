import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { varchar } from './migration-columns';

/** Leases that let several `smt serve` instances on one database share scheduled work and uploaded files (job_lease). */
export class JobLeases1764720004000 implements MigrationInterface {
  name = 'JobLeases1764720004000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'job_lease',
      columns: [
        { ...varchar('name', 400), isPrimary: true },
        varchar('holder', 200, true),
        varchar('expires_at', 30),
        varchar('acquired_at', 30),
        varchar('done_period', 40, true),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('job_lease');
  }
}
