import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A record of an LSE file that was not loaded, with its result code. */
@Entity('ingest_rejection')
@Index('idx_ingest_rejection_file', ['fileId'])
export class IngestRejection {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'file_id', type: 'integer' })
  fileId!: number;

  @Column({ type: 'integer' })
  line!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  esiid!: string | null;

  @Column({ name: 'operating_day', type: 'varchar', length: 10, nullable: true })
  operatingDay!: string | null;

  @Column({ type: 'integer', nullable: true })
  channel!: number | null;

  @Column({ type: 'varchar', length: 2 })
  code!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;
}
