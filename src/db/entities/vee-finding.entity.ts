import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A VEE rule's finding on one record of a loaded LSE file (src/vee/): a flag, never a change to the data. */
@Entity('vee_finding')
@Index('idx_vee_finding_day', ['operatingDay', 'tdspDuns'])
@Index('idx_vee_finding_file', ['fileId'])
export class VeeFindingRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'file_id', type: 'integer' })
  fileId!: number;

  @Column({ name: 'tdsp_duns', type: 'varchar', length: 13 })
  tdspDuns!: string;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ type: 'integer' })
  channel!: number;

  @Column({ name: 'operating_day', type: 'varchar', length: 10 })
  operatingDay!: string;

  /** The record's 00000004 version (YYYYMMDDHHMMSS); null for a record that was not loaded. */
  @Column({ type: 'varchar', length: 14, nullable: true })
  version!: string | null;

  @Column({ type: 'varchar', length: 4 })
  code!: string;

  @Column({ type: 'varchar', length: 24 })
  rule!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ name: 'found_at', type: 'varchar', length: 30 })
  foundAt!: string;
}
