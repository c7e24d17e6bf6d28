import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A revoked serial number. Kept apart from participant_certificate so that a certificate can be
 * revoked before (or without) anyone registering it, and can never be registered afterwards.
 */
@Entity('revoked_certificate')
export class RevokedCertificate {
  @PrimaryColumn({ name: 'serial_hex', type: 'varchar', length: 64 })
  serialHex!: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 30 })
  revokedAt!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason!: string | null;
}
