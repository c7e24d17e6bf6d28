import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type IngestFileStatus = 'loading' | 'loaded' | 'rejected' | 'interrupted';

/** One LSE file load and its activity report. */
@Entity('ingest_file')
@Index('idx_ingest_file_started', ['startedAt'])
@Index('idx_ingest_file_finished', ['finishedAt'])
export class IngestFile {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  @Column({ name: 'sender_duns', type: 'varchar', length: 13, nullable: true })
  senderDuns!: string | null;

  @Column({ type: 'varchar', length: 12 })
  status!: IngestFileStatus;

  @Column({ name: 'file_code', type: 'varchar', length: 2, nullable: true })
  fileCode!: string | null;

  @Column({ name: 'file_reason', type: 'varchar', length: 500, nullable: true })
  fileReason!: string | null;

  @Column({ name: 'total_records', type: 'integer', default: 0 })
  totalRecords!: number;

  /** JSON object: result code -> record count. */
  @Column({ name: 'counts_by_code', type: 'text', default: '{}' })
  countsByCode!: string;

  /** First and last operating day among the records the file loaded. */
  @Column({ name: 'first_day', type: 'varchar', length: 10, nullable: true })
  firstDay!: string | null;

  @Column({ name: 'last_day', type: 'varchar', length: 10, nullable: true })
  lastDay!: string | null;

  @Column({ name: 'report_path', type: 'varchar', length: 500, nullable: true })
  reportPath!: string | null;

  @Column({ name: 'started_at', type: 'varchar', length: 30 })
  startedAt!: string;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;
}
