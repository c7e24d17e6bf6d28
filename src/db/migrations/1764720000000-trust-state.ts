import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { idColumn, varchar } from './migration-columns';

/**
 * Security state every process on the database shares and a restart keeps: the WS-Security replay
 * records (seen_signature) and the FTPS login throttle (login_failure, login_lock). All rows expire.
 */
export class TrustState1764720000000 implements MigrationInterface {
  name = 'TrustState1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'seen_signature',
      columns: [{ ...varchar('digest', 64), isPrimary: true }, varchar('expires_at', 30)],
      indices: [{ name: 'idx_seen_signature_expires', columnNames: ['expires_at'] }],
    }));
    await q.createTable(new Table({
      name: 'login_failure',
      columns: [idColumn, varchar('subject', 80), varchar('failed_at', 30)],
      indices: [{ name: 'idx_login_failure_subject', columnNames: ['subject', 'failed_at'] }, { name: 'idx_login_failure_at', columnNames: ['failed_at'] }],
    }));
    await q.createTable(new Table({
      name: 'login_lock',
      columns: [idColumn, varchar('subject', 80), varchar('locked_until', 30)],
      indices: [{ name: 'idx_login_lock_subject', columnNames: ['subject', 'locked_until'] }, { name: 'idx_login_lock_until', columnNames: ['locked_until'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['login_lock', 'login_failure', 'seen_signature']) await q.dropTable(table, true);
  }
}
