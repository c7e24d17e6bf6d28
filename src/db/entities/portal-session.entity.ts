import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A logged-in browser. The cookie holds a random token; only its SHA-256 is stored, so a database read gives no session away. */
@Entity('portal_session')
export class PortalSession {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'last_seen_at', type: 'varchar', length: 30 })
  lastSeenAt!: string;

  /** The session ends at the earlier of last_seen_at + idle time and this. */
  @Index('idx_portal_session_expires')
  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;
}
