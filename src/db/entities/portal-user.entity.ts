import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type PortalUserKind = 'CUSTOMER' | 'REP' | 'TDSP' | 'REGULATOR';
export type PortalUserStatus = 'PENDING' | 'ACTIVE' | 'DISABLED';

/** A person who logs in to the web portal: a residential or business customer, or staff of a REP, a TDSP or the regulator. */
@Entity('portal_user')
export class PortalUser {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The user ID typed at login, lower-cased. */
  @Index('idx_portal_user_login', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  login!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 12 })
  kind!: PortalUserKind;

  @Column({ type: 'varchar', length: 10 })
  status!: PortalUserStatus;

  /** The REP or TDSP the user works for; null for customers and the regulator. */
  @Column({ name: 'participant_id', type: 'integer', nullable: true })
  participantId!: number | null;

  @Column({ name: 'first_name', type: 'varchar', length: 60 })
  firstName!: string;

  @Column({ name: 'middle_initial', type: 'varchar', length: 1, default: '' })
  middleInitial!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 60 })
  lastName!: string;

  @Column({ type: 'varchar', length: 10, default: '' })
  suffix!: string;

  @Column({ type: 'varchar', length: 40, default: '' })
  phone!: string;

  @Index('idx_portal_user_email')
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 10 })
  language!: string;

  /** A participant's (or the regulator's) portal administrator; stored as 1 or 0 so every engine reads it alike. */
  @Column({ name: 'is_admin', type: 'integer', default: 0, transformer: { to: (v?: boolean) => (v ? 1 : 0), from: (v: unknown) => Number(v) === 1 } })
  admin!: boolean;

  /** Portal functions granted by an administrator (REP, TDSP, regulator): comma-separated USAGE, HAN, MESSAGE_LOG (user-functions.ts). */
  @Column({ type: 'varchar', length: 40, default: 'USAGE,HAN,MESSAGE_LOG' })
  functions!: string;

  /** A business customer's company; null for residential customers and staff. */
  @Column({ name: 'company_id', type: 'integer', nullable: true, default: null })
  companyId!: number | null;

  /** A business user who sees every meter of the company (1) or only the meters granted to her (0). */
  @Column({ name: 'all_meters', type: 'integer', default: 1, transformer: { to: (v?: boolean) => (v === false ? 0 : 1), from: (v: unknown) => Number(v) === 1 } })
  allMeters!: boolean;

  /** A new email address waiting for its confirmation link to be opened; '' when none. */
  @Column({ name: 'pending_email', type: 'varchar', length: 254, default: '' })
  pendingEmail!: string;

  /** ISO 8601 UTC. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
