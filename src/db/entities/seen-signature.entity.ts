import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A signed SOAP message the platform accepted, remembered until it could no longer be accepted
 * anyway (its Timestamp's Expires plus the allowed skew), so a replay is refused by every process
 * on the database and after a restart. Written and purged by src/security/seen-signature.store.ts.
 */
@Entity('seen_signature')
export class SeenSignature {
  /** SHA-256 (hex) of the decoded SignatureValue. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest!: string;

  /** ISO 8601 UTC (always 24 characters, so text order is time order). */
  @Index('idx_seen_signature_expires')
  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;
}
