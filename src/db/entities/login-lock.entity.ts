import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A subject (see LoginFailure) locked out of FTPS logins until an instant. Rows are only added and
 * purged once past, so processes that lock the same subject at once need no upsert.
 */
@Entity('login_lock')
@Index('idx_login_lock_subject', ['subject', 'lockedUntil'])
export class LoginLock {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 80 })
  subject!: string;

  /** ISO 8601 UTC. */
  @Index('idx_login_lock_until')
  @Column({ name: 'locked_until', type: 'varchar', length: 30 })
  lockedUntil!: string;
}
