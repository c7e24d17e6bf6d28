import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type RepOfRecordSource = 'registry' | 'lse';

/** One stretch of days (inclusive; open-ended when effectiveTo is null) a REP DUNS served an ESI ID. */
@Entity('rep_of_record')
@Index('idx_ror_esiid', ['esiid', 'effectiveFrom'])
@Index('idx_ror_rep', ['repDuns', 'effectiveFrom'])
@Index('idx_ror_rep_esiid', ['repDuns', 'esiid'])
export class RepOfRecord {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ name: 'rep_duns', type: 'varchar', length: 13 })
  repDuns!: string;

  @Column({ name: 'effective_from', type: 'varchar', length: 10 })
  effectiveFrom!: string;

  @Column({ name: 'effective_to', type: 'varchar', length: 10, nullable: true })
  effectiveTo!: string | null;

  @Column({ type: 'varchar', length: 8 })
  source!: RepOfRecordSource;
}
