import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/** HAN messages, the ESI IDs each went to, and the HAN messaging log. */
export class HanMessages1764633600000 implements MigrationInterface {
  name = 'HanMessages1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'han_message',
      columns: [{ ...varchar('request_id', 64), isPrimary: true }, varchar('rep_duns', 13), varchar('category', 3), column('event_id', 'bigint', true),
        varchar('cancellation_id', 64, true), varchar('cancels_request_id', 64, true), column('mandatory', 'integer'), varchar('starts_at', 30),
        varchar('ends_at', 30, true), column('fields', 'text'), column('payload_hex', 'text'), varchar('created_at', 30)],
      indices: [{ name: 'idx_han_message_event', columnNames: ['rep_duns', 'category', 'event_id'] }],
    }));
    await q.createTable(new Table({
      name: 'han_message_target',
      columns: [{ ...varchar('request_id', 64), isPrimary: true }, { ...varchar('esiid', 64), isPrimary: true }, varchar('tdsp_duns', 13),
        varchar('meter_number', 40), column('macs', 'text'), varchar('cancelled_at', 30, true)],
      foreignKeys: [{ columnNames: ['request_id'], referencedTableName: 'han_message', referencedColumnNames: ['request_id'], onDelete: 'CASCADE' }],
      indices: [{ name: 'idx_han_message_target_esiid', columnNames: ['esiid'] }],
    }));
    await q.createTable(new Table({
      name: 'han_message_status',
      columns: [idColumn, varchar('request_id', 64), varchar('rep_duns', 13), varchar('tdsp_duns', 13), varchar('message_date', 10),
        varchar('cancellation_id', 64, true), varchar('esiid', 64), varchar('meter_serial', 40, true), varchar('mac', 16, true), varchar('category', 3),
        varchar('status_code', 3), varchar('status_desc', 200, true), varchar('status_at', 30), varchar('recorded_at', 30)],
      indices: [{ name: 'idx_han_message_status_rep', columnNames: ['rep_duns', 'message_date'] }, { name: 'idx_han_message_status_request', columnNames: ['request_id'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['han_message_status', 'han_message_target', 'han_message']) await q.dropTable(table, true);
  }
}
