import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Interval counts of what one loaded file stored, gathered by the VEE run (load statistics read them). */
@Entity('ingest_file_quality')
export class IngestFileQuality {
  @PrimaryColumn({ name: 'file_id', type: 'integer' })
  fileId!: number;

  @Column({ type: 'integer' })
  records!: number;

  @Column({ type: 'integer' })
  intervals!: number;

  @Column({ name: 'estimated_intervals', type: 'integer' })
  estimatedIntervals!: number;

  @Column({ name: 'blank_intervals', type: 'integer' })
  blankIntervals!: number;

  /** Intervals estimated (E) in the version this file replaced and actual (A) in this one. */
  @Column({ name: 'estimated_to_actual', type: 'integer', default: 0 })
  estimatedToActual!: number;

  @Column({ name: 'findings', type: 'integer' })
  findings!: number;

  @Column({ name: 'checked_at', type: 'varchar', length: 30 })
  checkedAt!: string;
}
