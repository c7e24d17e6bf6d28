import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/** HAN devices with their history, the TDSP dispatch outbox, and each TDSP's endpoint and HAN firmware floor. */
export class HanDevices1764547200000 implements MigrationInterface {
  name = 'HanDevices1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('market_participant', [
      new TableColumn(varchar('endpoint', 300, true)),
      new TableColumn(varchar('han_min_firmware', 40, true)),
    ]);
    await q.createTable(new Table({
      name: 'han_device',
      columns: [idColumn, varchar('esiid', 64), varchar('mac', 16), varchar('rep_duns', 13), varchar('meter_number', 40),
        varchar('install_code_masked', 36), varchar('description', 60, true), varchar('status', 20), varchar('status_at', 30),
        varchar('add_request_id', 64, true), varchar('remove_request_id', 64, true), varchar('updated_at', 30)],
      indices: [{ name: 'idx_han_device_esiid', columnNames: ['esiid', 'mac'], isUnique: true }],
    }));
    await q.createTable(new Table({
      name: 'han_device_event',
      columns: [idColumn, column('device_id', 'integer'), varchar('request_id', 64, true), varchar('status', 20), varchar('status_at', 30),
        varchar('recorded_at', 30), varchar('source', 8), column('applied', 'integer'), varchar('reason', 200, true)],
      foreignKeys: [{ columnNames: ['device_id'], referencedTableName: 'han_device', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      indices: [{ name: 'idx_han_device_event_device', columnNames: ['device_id', 'id'] }, { name: 'idx_han_device_event_request', columnNames: ['request_id'] }],
    }));
    await q.createTable(new Table({
      name: 'tdsp_dispatch',
      columns: [idColumn, varchar('request_id', 64), varchar('tdsp_duns', 13), varchar('operation', 40), column('payload', 'text'),
        varchar('state', 10), column('attempts', 'integer'), varchar('next_attempt_at', 30), varchar('claimed_by', 100, true),
        varchar('claimed_until', 30, true), varchar('last_error', 500, true), varchar('created_at', 30), varchar('updated_at', 30)],
      indices: [{ name: 'idx_tdsp_dispatch_due', columnNames: ['state', 'next_attempt_at'] }, { name: 'idx_tdsp_dispatch_request', columnNames: ['request_id'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['tdsp_dispatch', 'han_device_event', 'han_device']) await q.dropTable(table, true);
    await q.dropColumn('market_participant', 'han_min_firmware');
    await q.dropColumn('market_participant', 'endpoint');
  }
}
