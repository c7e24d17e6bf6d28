import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One line of the portal's audit log: logins, failures, lockouts, exports, account changes. Read with `smt audit`. */
@Entity('portal_audit')
export class PortalAudit {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** ISO 8601 UTC. */
  @Index('idx_portal_audit_at')
  @Column({ type: 'varchar', length: 30 })
  at!: string;

  @Column({ type: 'varchar', length: 20 })
  event!: string;

  /** The user ID as typed (failures of unknown IDs are logged too), cut to 64 characters. */
  @Column({ type: 'varchar', length: 64 })
  login!: string;

  @Column({ type: 'varchar', length: 64 })
  address!: string;

  @Column({ type: 'varchar', length: 300, default: '' })
  detail!: string;
}
