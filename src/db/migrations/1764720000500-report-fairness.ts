import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for fair use of the report queue: the worker ranks participants by when each was last
 * served (max claimed_at), and a submission counts the participant's requests of the last 24 hours.
 */
export class ReportFairness1764720000500 implements MigrationInterface {
  name = 'ReportFairness1764720000500';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('report_request', new TableIndex({ name: 'idx_report_request_participant_claimed', columnNames: ['participant_id', 'claimed_at'] }));
    await q.createIndex('report_request', new TableIndex({ name: 'idx_report_request_participant_created', columnNames: ['participant_id', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('report_request', 'idx_report_request_participant_created');
    await q.dropIndex('report_request', 'idx_report_request_participant_claimed');
  }
}
