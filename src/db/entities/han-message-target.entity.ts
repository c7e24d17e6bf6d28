import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An ESI ID a message went to, with its TDSP, meter and the devices addressed. */
@Entity('han_message_target')
@Index('idx_han_message_target_esiid', ['esiid'])
@Index('idx_han_message_target_cancelled_by', ['cancelledBy', 'esiid'])
export class HanMessageTarget {
  @PrimaryColumn({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ name: 'tdsp_duns', type: 'varchar', length: 13 })
  tdspDuns!: string;

  @Column({ name: 'meter_number', type: 'varchar', length: 40 })
  meterNumber!: string;

  /** The MACs addressed, comma-separated. */
  @Column({ type: 'text' })
  macs!: string;

  /** When a cancellation (CLE, CAL, CSM) ended the message at this ESI ID. */
  @Column({ name: 'cancelled_at', type: 'varchar', length: 30, nullable: true })
  cancelledAt!: string | null;

  /** The request id of the cancellation that ended it here (its MessageCancellationID). */
  @Column({ name: 'cancelled_by', type: 'varchar', length: 64, nullable: true })
  cancelledBy!: string | null;
}
