import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An ESI ID (service point) with its TDSP and the meter currently installed. */
@Entity('esiid')
@Index('idx_esiid_tdsp_esiid', ['tdspDuns', 'esiid'])
export class Esiid {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ name: 'tdsp_duns', type: 'varchar', length: 13 })
  tdspDuns!: string;

  @Column({ name: 'meter_number', type: 'varchar', length: 40, nullable: true })
  meterNumber!: string | null;

  @Column({ name: 'meter_hardware_version', type: 'varchar', length: 40, nullable: true })
  meterHardwareVersion!: string | null;

  @Column({ name: 'meter_firmware_version', type: 'varchar', length: 40, nullable: true })
  meterFirmwareVersion!: string | null;

  /** TDSP meter-read cycle (1-21) for monthly periods; null: calendar months. */
  @Column({ name: 'read_cycle', type: 'integer', nullable: true })
  readCycle!: number | null;

  /** Load profile class (RESLOWR, BUSMEDLF, ...; src/estimation/default-profiles.ts); null: unknown, no default-profile estimate. */
  @Column({ name: 'load_profile_class', type: 'varchar', length: 16, nullable: true })
  loadProfileClass!: string | null;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
