import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/**
 * Portal accounts, part two: portal functions granted per staff user (existing users keep all three),
 * business customers (company, its meters, users' meter grants), a pending email change, and export orders.
 */
export class PortalAccounts1764720002000 implements MigrationInterface {
  name = 'PortalAccounts1764720002000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('portal_user', [
      new TableColumn({ ...varchar('functions', 40), default: "'USAGE,HAN,MESSAGE_LOG'" }),
      new TableColumn({ ...column('company_id', 'integer', true) }),
      new TableColumn({ ...column('all_meters', 'integer'), default: 1 }),
      new TableColumn({ ...varchar('pending_email', 254), default: "''" }),
    ]);
    await q.createTable(new Table({ name: 'portal_company', columns: [idColumn, varchar('name', 100), varchar('created_at', 30)] }));
    await q.createTable(new Table({
      name: 'portal_company_meter',
      columns: [idColumn, column('company_id', 'integer'), varchar('esiid', 64), { ...varchar('description', 60), default: "''" }, varchar('visible_from', 10), varchar('registered_at', 30)],
      indices: [{ name: 'idx_portal_company_meter', columnNames: ['company_id', 'esiid'], isUnique: true }],
    }));
    await q.createTable(new Table({
      name: 'portal_meter_grant',
      columns: [idColumn, column('user_id', 'integer'), varchar('esiid', 64)],
      indices: [{ name: 'idx_portal_meter_grant', columnNames: ['user_id', 'esiid'], isUnique: true }],
    }));
    await q.createTable(new Table({
      name: 'portal_export',
      columns: [idColumn, varchar('order_number', 20), column('user_id', 'integer'), varchar('request_ids', 200), varchar('report_type', 8),
        varchar('start_date', 10), varchar('end_date', 10), column('esiid_count', 'integer'), varchar('status', 8), { ...varchar('reason', 300), default: "''" }, varchar('created_at', 30), varchar('notified_at', 30, true)],
      indices: [{ name: 'idx_portal_export_order', columnNames: ['order_number'], isUnique: true }, { name: 'idx_portal_export_user', columnNames: ['user_id', 'id'] },
        { name: 'idx_portal_export_status', columnNames: ['status'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['portal_export', 'portal_meter_grant', 'portal_company_meter', 'portal_company']) await q.dropTable(table, true);
    for (const name of ['pending_email', 'all_meters', 'company_id', 'functions']) await q.dropColumn('portal_user', name);
  }
}
