import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type HanEventSource = 'REP' | 'TDSP' | 'PLATFORM';

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
}
