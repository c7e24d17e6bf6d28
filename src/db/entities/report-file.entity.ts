import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A delivered (or being published) report file of a request. */
@Entity('report_file')
@Index('idx_report_file_request', ['requestId'])
export class ReportFile {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'request_id', type: 'integer' })
  requestId!: number;

  @Column({ name: 'file_name', type: 'varchar', length: 200 })
  fileName!: string;

  @Column({ type: 'varchar', length: 500 })
  path!: string;

  /** Where the file waits until the request publishes it (renamed to `path`). */
  @Column({ name: 'partial_path', type: 'varchar', length: 500 })
  partialPath!: string;

  @Column({ type: 'integer' })
  records!: number;

  @Column({ type: 'integer' })
  bytes!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'deleted_at', type: 'varchar', length: 30, nullable: true })
  deletedAt!: string | null;
}
