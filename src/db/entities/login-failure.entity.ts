import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One refused FTPS login, counted against a subject: `address:<ip>` for the source address and
 * `participant:<id>` for the participant (whatever name or DUNS it logged in with). Rows older than
 * the throttle's window are purged (src/security/login-throttle.ts).
 */
@Entity('login_failure')
@Index('idx_login_failure_subject', ['subject', 'failedAt'])
export class LoginFailure {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 80 })
  subject!: string;

  /** ISO 8601 UTC. */
  @Index('idx_login_failure_at')
  @Column({ name: 'failed_at', type: 'varchar', length: 30 })
  failedAt!: string;
}
