import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One line of the HAN messaging log: a status of a message at an ESI ID (or one of its devices). */
@Entity('han_message_status')
@Index('idx_han_message_status_rep', ['repDuns', 'messageDate'])
@Index('idx_han_message_status_request', ['requestId'])
export class HanMessageStatus {
  /** MessageStatusID. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'rep_duns', type: 'varchar', length: 13 })
  repDuns!: string;

  @Column({ name: 'tdsp_duns', type: 'varchar', length: 13 })
  tdspDuns!: string;

  /** The day (Central Prevailing Time, YYYY-MM-DD) the REP sent the message. */
  @Column({ name: 'message_date', type: 'varchar', length: 10 })
  messageDate!: string;

  @Column({ name: 'cancellation_id', type: 'varchar', length: 64, nullable: true })
  cancellationId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ name: 'meter_serial', type: 'varchar', length: 40, nullable: true })
  meterSerial!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  mac!: string | null;

  @Column({ type: 'varchar', length: 3 })
  category!: string;

  @Column({ name: 'status_code', type: 'varchar', length: 3 })
  statusCode!: string;

  @Column({ name: 'status_desc', type: 'varchar', length: 200, nullable: true })
  statusDesc!: string | null;

  @Column({ name: 'status_at', type: 'varchar', length: 30 })
  statusAt!: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: 30 })
  recordedAt!: string;
}
