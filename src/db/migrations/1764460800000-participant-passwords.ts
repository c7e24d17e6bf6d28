import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, varchar } from './migration-columns';

/** One FTPS password hash per participant. */
export class ParticipantPasswords1764460800000 implements MigrationInterface {
  name = 'ParticipantPasswords1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'participant_password',
      columns: [{ ...column('participant_id', 'integer'), isPrimary: true }, varchar('hash', 200), varchar('updated_at', 30)],
      foreignKeys: [{ columnNames: ['participant_id'], referencedTableName: 'market_participant', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('participant_password', true);
  }
}
