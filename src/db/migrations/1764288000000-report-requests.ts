import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/** Usage report requests, their delivered files, and the daily postings made. */
export class ReportRequests1764288000000 implements MigrationInterface {
  name = 'ReportRequests1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_request',
      columns: [idColumn, { ...varchar('correlation_id', 36), isUnique: true }, varchar('trans_id', 64, true),
        column('participant_id', 'integer'), varchar('requester_duns', 13), varchar('report_type', 8),
        varchar('start_date', 10), varchar('end_date', 10), varchar('version', 1), varchar('reading_type', 1),
        varchar('kind', 8), varchar('status', 8), varchar('status_reason', 500, true),
        column('esiids', 'text'), column('esiid_count', 'integer'), column('not_authorized', 'text'),
        { ...column('record_count', 'integer'), default: 0 }, varchar('claimed_by', 100, true), varchar('claimed_at', 30, true),
        { ...column('attempts', 'integer'), default: 0 }, varchar('created_at', 30), varchar('finished_at', 30, true),
        varchar('expires_at', 30, true), column('revisions_after_file_id', 'integer', true)],
      indices: [{ name: 'idx_report_request_status', columnNames: ['status', 'id'] }],
    }));
    await q.createTable(new Table({
      name: 'report_file',
      columns: [idColumn, column('request_id', 'integer'), varchar('file_name', 200), varchar('path', 500),
        varchar('partial_path', 500), column('records', 'integer'), column('bytes', 'integer'),
        varchar('created_at', 30), varchar('deleted_at', 30, true)],
      indices: [{ name: 'idx_report_file_request', columnNames: ['request_id'] }],
    }));
    // The days a load touched, so a daily posting can find the revisions loaded since the last one.
    await q.addColumn('ingest_file', new TableColumn(varchar('first_day', 10, true)));
    await q.addColumn('ingest_file', new TableColumn(varchar('last_day', 10, true)));
    await q.createTable(new Table({
      name: 'daily_posting',
      columns: [{ ...varchar('operating_day', 10), isPrimary: true }, { ...varchar('rep_duns', 13), isPrimary: true },
        column('file_watermark', 'integer'), column('interval_request_id', 'integer'), column('daily_request_id', 'integer'),
        varchar('posted_at', 30)],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['daily_posting', 'report_file', 'report_request']) await q.dropTable(table, true);
    await q.dropColumn('ingest_file', 'last_day');
    await q.dropColumn('ingest_file', 'first_day');
  }
}
