import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A HAN device on an ESI ID's meter, from the REP's add request on. One row per ESI ID and MAC:
 * provisioning a device again after it left reuses its row, so its history stays in one place.
 */
@Entity('han_device')
@Index('idx_han_device_esiid', ['esiid', 'mac'], { unique: true })
export class HanDevice {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  /** EUI-64, 16 upper-case hex digits. */
  @Column({ type: 'varchar', length: 16 })
  mac!: string;

  @Column({ name: 'rep_duns', type: 'varchar', length: 13 })
  repDuns!: string;

  @Column({ name: 'meter_number', type: 'varchar', length: 40 })
  meterNumber!: string;

  /** Only the last 4 digits of the install code are kept; the whole code travels in the dispatch outbox until it is sent. */
  @Column({ name: 'install_code_masked', type: 'varchar', length: 36 })
  installCodeMasked!: string;

  @Column({ type: 'varchar', length: 60, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ name: 'status_at', type: 'varchar', length: 30 })
  statusAt!: string;

  @Column({ name: 'add_request_id', type: 'varchar', length: 64, nullable: true })
  addRequestId!: string | null;

  @Column({ name: 'remove_request_id', type: 'varchar', length: 64, nullable: true })
  removeRequestId!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
