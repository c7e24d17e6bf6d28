import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/** Participants' client certificates, the addresses they call from, and revoked serials. */
export class Credentials1764374400000 implements MigrationInterface {
  name = 'Credentials1764374400000';

  async up(q: QueryRunner): Promise<void> {
    const participantFk = { columnNames: ['participant_id'], referencedTableName: 'market_participant', referencedColumnNames: ['id'], onDelete: 'CASCADE' };
    await q.createTable(new Table({
      name: 'participant_certificate',
      columns: [idColumn, column('participant_id', 'integer'), varchar('purpose', 8),
        { ...varchar('fingerprint256', 64), isUnique: true }, varchar('serial_hex', 64), varchar('subject', 200),
        varchar('issuer', 200), column('pem', 'text'), varchar('not_before', 30), varchar('not_after', 30),
        varchar('revoked_at', 30, true)],
      foreignKeys: [participantFk],
      indices: [{ name: 'idx_participant_certificate_participant', columnNames: ['participant_id'] },
        { name: 'idx_participant_certificate_serial', columnNames: ['serial_hex'] }],
    }));
    await q.createTable(new Table({
      name: 'participant_ip',
      columns: [{ ...column('participant_id', 'integer'), isPrimary: true }, { ...varchar('ip', 45), isPrimary: true }],
      foreignKeys: [participantFk],
    }));
    await q.createTable(new Table({
      name: 'revoked_certificate',
      columns: [{ ...varchar('serial_hex', 64), isPrimary: true }, varchar('revoked_at', 30), varchar('reason', 200, true)],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['revoked_certificate', 'participant_ip', 'participant_certificate']) await q.dropTable(table, true);
  }
}
