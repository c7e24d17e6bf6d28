import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A smart meter a customer registered ("My Smart Meters"); she sees its data from `visibleFrom` on. */
@Entity('portal_meter')
@Index('idx_portal_meter_user', ['userId', 'esiid'], { unique: true })
export class PortalMeter {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ type: 'varchar', length: 60, default: '' })
  description!: string;

  /** YYYY-MM-DD: the start of the REP-of-record stretch current when she registered the meter. */
  @Column({ name: 'visible_from', type: 'varchar', length: 10 })
  visibleFrom!: string;

  @Column({ name: 'registered_at', type: 'varchar', length: 30 })
  registeredAt!: string;
}
