import { Column, Entity, PrimaryColumn } from 'typeorm';

/** That a REP DUNS's daily files for an operating day were queued (a day is posted once). */
@Entity('daily_posting')
export class DailyPosting {
  @PrimaryColumn({ name: 'operating_day', type: 'varchar', length: 10 })
  operatingDay!: string;

  @PrimaryColumn({ name: 'rep_duns', type: 'varchar', length: 13 })
  repDuns!: string;

  /** Highest ingest file id whose records this posting covered: later loads are revisions. */
  @Column({ name: 'file_watermark', type: 'integer' })
  fileWatermark!: number;

  @Column({ name: 'interval_request_id', type: 'integer' })
  intervalRequestId!: number;

  @Column({ name: 'daily_request_id', type: 'integer' })
  dailyRequestId!: number;

  @Column({ name: 'posted_at', type: 'varchar', length: 30 })
  postedAt!: string;
}
