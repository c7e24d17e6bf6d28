import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The channel a HAN provisioning request came through (SOAP, or the portal for a customer, REP user or TDSP user), kept on its acknowledgement event. */
export class HanRequestChannel1764720003000 implements MigrationInterface {
  name = 'HanRequestChannel1764720003000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('han_device_event', new TableColumn({ name: 'request_channel', type: 'varchar', length: '16', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('han_device_event', 'request_channel');
  }
}
