import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { idColumn as id, varchar } from './migration-columns';

/** Registry, ingest bookkeeping and the packed interval store. */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'market_participant',
      columns: [id, { ...varchar('name', 100), isUnique: true }, varchar('kind', 4),
        { name: 'pgp_public_key', type: 'text', isNullable: true },
        { name: 'created_at', type: timestampType(q), default: nowDefault(q) }],
    }));
    await q.createTable(new Table({
      name: 'participant_duns',
      columns: [{ ...varchar('duns', 13), isPrimary: true }, { name: 'participant_id', type: 'integer' }],
      foreignKeys: [{ columnNames: ['participant_id'], referencedTableName: 'market_participant', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await q.createTable(new Table({
      name: 'esiid',
      columns: [{ ...varchar('esiid', 64), isPrimary: true }, varchar('tdsp_duns', 13), varchar('meter_number', 40, true),
        varchar('meter_hardware_version', 40, true), varchar('meter_firmware_version', 40, true),
        { name: 'read_cycle', type: 'integer', isNullable: true },
        { name: 'updated_at', type: timestampType(q), default: nowDefault(q) }],
      indices: [{ name: 'idx_esiid_tdsp', columnNames: ['tdsp_duns'] }],
    }));
    await q.createTable(new Table({
      name: 'rep_of_record',
      columns: [id, varchar('esiid', 64), varchar('rep_duns', 13), varchar('effective_from', 10),
        varchar('effective_to', 10, true), varchar('source', 8)],
      indices: [{ name: 'idx_ror_esiid', columnNames: ['esiid', 'effective_from'] },
        { name: 'idx_ror_rep', columnNames: ['rep_duns', 'effective_from'] }],
    }));
    await q.createTable(new Table({
      name: 'ingest_file',
      columns: [id, varchar('file_name', 255), varchar('sender_duns', 13, true), varchar('status', 12),
        varchar('file_code', 2, true), varchar('file_reason', 500, true),
        { name: 'total_records', type: 'integer', default: 0 },
        { name: 'counts_by_code', type: 'text', default: "'{}'" },
        varchar('report_path', 500, true), varchar('started_at', 30), varchar('finished_at', 30, true)],
    }));
    await q.createTable(new Table({
      name: 'ingest_rejection',
      columns: [id, { name: 'file_id', type: 'integer' }, { name: 'line', type: 'integer' }, varchar('esiid', 64, true),
        varchar('operating_day', 10, true), { name: 'channel', type: 'integer', isNullable: true },
        varchar('code', 2), varchar('reason', 500)],
      indices: [{ name: 'idx_ingest_rejection_file', columnNames: ['file_id'] }],
    }));
    await q.query(intervalDayDdl(q.connection.options.type));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['interval_day', 'ingest_rejection', 'ingest_file', 'rep_of_record', 'esiid', 'participant_duns', 'market_participant']) {
      await q.dropTable(table, true);
    }
  }
}

function timestampType(q: QueryRunner): string {
  const type = q.connection.options.type;
  return type === 'mssql' ? 'datetime2' : type === 'postgres' ? 'timestamp' : 'datetime';
}

function nowDefault(q: QueryRunner): string {
  return q.connection.options.type === 'mssql' ? 'SYSUTCDATETIME()' : 'CURRENT_TIMESTAMP';
}

/**
 * interval_values packs each interval into an int32 (Wh, estimated flag, blank marker: see
 * src/ingest/lse-record.ts). The interval store is the one table whose shape differs per database: packed intervals need a
 * binary type, and on SQLite a WITHOUT ROWID table keeps rows in key order (day first), which is
 * what keeps a new day's load fast when years of data are already stored.
 */
function intervalDayDdl(type: string): string {
  const blob = type === 'postgres' ? 'BYTEA' : type === 'mssql' ? 'VARBINARY(400)' : 'BLOB';
  const tail = type === 'better-sqlite3' ? ' WITHOUT ROWID' : '';
  return `CREATE TABLE interval_day (
    operating_day VARCHAR(10) NOT NULL,
    channel INTEGER NOT NULL,
    esiid VARCHAR(64) NOT NULL,
    version BIGINT NOT NULL,
    interval_count INTEGER NOT NULL,
    interval_values ${blob} NOT NULL,
    origin VARCHAR(4) NOT NULL,
    start_reading VARCHAR(20),
    stop_reading VARCHAR(20),
    transaction_id VARCHAR(64) NOT NULL,
    file_id INTEGER NOT NULL,
    PRIMARY KEY (operating_day, channel, esiid, version)
  )${tail}`;
}
