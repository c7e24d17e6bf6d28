import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/** The web portal: its users, their meters, sessions, one-time email tokens and the audit log. */
export class Portal1764720001000 implements MigrationInterface {
  name = 'Portal1764720001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'portal_user',
      columns: [idColumn, varchar('login', 64), varchar('password_hash', 200), varchar('kind', 12), varchar('status', 10),
        column('participant_id', 'integer', true), varchar('first_name', 60), { ...varchar('middle_initial', 1), default: "''" },
        varchar('last_name', 60), { ...varchar('suffix', 10), default: "''" }, { ...varchar('phone', 40), default: "''" },
        varchar('email', 254), varchar('language', 10), varchar('created_at', 30)],
      indices: [{ name: 'idx_portal_user_login', columnNames: ['login'], isUnique: true }, { name: 'idx_portal_user_email', columnNames: ['email'] }],
    }));
    await q.createTable(new Table({
      name: 'portal_meter',
      columns: [idColumn, column('user_id', 'integer'), varchar('esiid', 64), { ...varchar('description', 60), default: "''" },
        varchar('visible_from', 10), varchar('registered_at', 30)],
      indices: [{ name: 'idx_portal_meter_user', columnNames: ['user_id', 'esiid'], isUnique: true }],
    }));
    await q.createTable(new Table({
      name: 'portal_session',
      columns: [{ ...varchar('token_hash', 64), isPrimary: true }, column('user_id', 'integer'), varchar('created_at', 30),
        varchar('last_seen_at', 30), varchar('expires_at', 30)],
      indices: [{ name: 'idx_portal_session_expires', columnNames: ['expires_at'] }],
    }));
    await q.createTable(new Table({
      name: 'portal_token',
      columns: [{ ...varchar('token_hash', 64), isPrimary: true }, column('user_id', 'integer'), varchar('purpose', 10), varchar('expires_at', 30)],
      indices: [{ name: 'idx_portal_token_user', columnNames: ['user_id'] }],
    }));
    await q.createTable(new Table({
      name: 'portal_audit',
      columns: [idColumn, varchar('at', 30), varchar('event', 20), varchar('login', 64), varchar('address', 64), { ...varchar('detail', 300), default: "''" }],
      indices: [{ name: 'idx_portal_audit_at', columnNames: ['at'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['portal_audit', 'portal_token', 'portal_session', 'portal_meter', 'portal_user']) await q.dropTable(table, true);
  }
}
