import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type HanEventSource = 'REP' | 'TDSP' | 'PLATFORM';

/** Where a provisioning request came in: a REP's SOAP call, or the web portal for a customer, a REP user or a TDSP user. */
export type HanRequestChannel = 'SOAP' | 'PORTAL_CUSTOMER' | 'PORTAL_REP' | 'PORTAL_TDSP';

/** One line of a device's provisioning history: every status anyone reported, applied or not. */
@Entity('han_device_event')
@Index('idx_han_device_event_device', ['deviceId', 'id'])
@Index('idx_han_device_event_request', ['requestId'])
export class HanDeviceEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'device_id', type: 'integer' })
  deviceId!: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  /** When it happened, as the reporter says. */
  @Column({ name: 'status_at', type: 'varchar', length: 30 })
  statusAt!: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: 30 })
  recordedAt!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: HanEventSource;

  /** 1 when the status moved the device; 0 when it was recorded only (a repeat or out of order). */
  @Column({ type: 'integer' })
  applied!: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason!: string | null;

  /** On a request's acknowledgement (source REP): the channel the request came through; null on TDSP and platform statuses. */
  @Column({ name: 'request_channel', type: 'varchar', length: 16, nullable: true })
  requestChannel!: HanRequestChannel | null;
}
