import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** PRM price, LCE load control event, CLE cancel LCE, CAL cancel all LCEs, STM simple text message, CSM cancel text message. */
export const EVENT_CATEGORIES = ['PRM', 'LCE', 'CLE', 'CAL', 'STM', 'CSM'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

/** One HAN message request of a REP (a text, load control or price message, or a cancellation). */
@Entity('han_message')
@Index('idx_han_message_event', ['repDuns', 'category', 'eventId'])
@Index('idx_han_message_rep_created', ['repDuns', 'createdAt'])
export class HanMessage {
  @PrimaryColumn({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'rep_duns', type: 'varchar', length: 13 })
  repDuns!: string;

  @Column({ type: 'varchar', length: 3 })
  category!: EventCategory;

  /** SE 1.0 Message ID (STM, CSM) or Issuer Event ID (LCE, CLE, PRM); null for CAL. */
  @Column({ name: 'event_id', type: 'bigint', nullable: true })
  eventId!: string | number | null;

  /** Cancellations (CLE, CAL, CSM): the MessageCancellationID returned to the REP (since migration HanCancellations, also the cancellation's request_id). */
  @Column({ name: 'cancellation_id', type: 'varchar', length: 64, nullable: true })
  cancellationId!: string | null;

  /** CLE, CSM: the request cancelled. */
  @Column({ name: 'cancels_request_id', type: 'varchar', length: 64, nullable: true })
  cancelsRequestId!: string | null;

  /** LCE: emergency, planned outage or service disconnect (criticality 7-9): opting out is invalid. */
  @Column({ type: 'integer' })
  mandatory!: number;

  @Column({ name: 'starts_at', type: 'varchar', length: 30 })
  startsAt!: string;

  /** null: until changed. */
  @Column({ name: 'ends_at', type: 'varchar', length: 30, nullable: true })
  endsAt!: string | null;

  /** The structured fields sent to the TDSP, as JSON. */
  @Column({ type: 'text' })
  fields!: string;

  @Column({ name: 'payload_hex', type: 'text' })
  payloadHex!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
