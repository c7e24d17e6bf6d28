import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A participant DUNS subscribed to the Supplemental AMS Interval Data Extract (src/extracts/). */
@Entity('extract_subscription')
export class ExtractSubscription {
  @PrimaryColumn({ type: 'varchar', length: 13 })
  duns!: string;

  @Column({ name: 'participant_id', type: 'integer' })
  participantId!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  /** The newest extract day produced for it; a run skips days up to it. */
  @Column({ name: 'last_extract_day', type: 'varchar', length: 10, nullable: true })
  lastExtractDay!: string | null;
}
