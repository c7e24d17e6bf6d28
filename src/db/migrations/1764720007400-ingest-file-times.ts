import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Keys on when files were received and committed: load statistics (`smt stats`, and the gauges each
 * instance re-reads every SMT_LOAD_STATS_REFRESH_S) read ingest_file by started_at range, and the
 * daily supplemental extract by finished_at range. Without them each read scans every file of the
 * history kept. One row per file: the keys cost the loads nothing worth measuring.
 */
export class IngestFileTimes1764720007400 implements MigrationInterface {
  name = 'IngestFileTimes1764720007400';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('ingest_file', new TableIndex({ name: 'idx_ingest_file_started', columnNames: ['started_at'] }));
    await q.createIndex('ingest_file', new TableIndex({ name: 'idx_ingest_file_finished', columnNames: ['finished_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('ingest_file', 'idx_ingest_file_finished');
    await q.dropIndex('ingest_file', 'idx_ingest_file_started');
  }
}
