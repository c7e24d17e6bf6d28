import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The platform's own estimate of a day no TDSP data was loaded for (src/estimation/). Kept apart from
 * interval_day: it is never delivered as TDSP data.
 */
@Entity('platform_estimate')
@Index('idx_platform_estimate_day', ['operatingDay', 'esiid'], { unique: true })
export class PlatformEstimate {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ name: 'operating_day', type: 'varchar', length: 10 })
  operatingDay!: string;

  @Column({ name: 'tdsp_duns', type: 'varchar', length: 13 })
  tdspDuns!: string;

  /** SAME_DAY or LIKE_DAY (a proxy day of the ESI ID's own actual history), or DEFAULT_PROFILE (its load profile class). */
  @Column({ type: 'varchar', length: 16 })
  method!: string;

  /** The proxy day the shape came from; empty for DEFAULT_PROFILE (the class's profile for the day's own day type). */
  @Column({ name: 'source_day', type: 'varchar', length: 10 })
  sourceDay!: string;

  @Column({ name: 'interval_count', type: 'integer' })
  intervalCount!: number;

  /** Wh per interval, comma-separated: a platform estimate is a small, rare row. */
  @Column({ name: 'interval_wh', type: 'text' })
  intervalWh!: string;

  @Column({ name: 'total_wh', type: 'integer' })
  totalWh!: number;

  /** DEFAULT_PROFILE: the load profile class whose default profile shaped the estimate; null for proxy days. */
  @Column({ name: 'load_profile_class', type: 'varchar', length: 16, nullable: true })
  loadProfileClass!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
