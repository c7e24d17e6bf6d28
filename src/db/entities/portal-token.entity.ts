import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** CONFIRM a registration, RESET a password, INVITE a user made by an administrator to set hers, EMAIL confirm a new address. */
export type PortalTokenPurpose = 'CONFIRM' | 'RESET' | 'INVITE' | 'EMAIL';

/** A one-time link sent by email (registration confirmation, password reset); only the SHA-256 of its token is stored. */
@Entity('portal_token')
export class PortalToken {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index('idx_portal_token_user')
  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 10 })
  purpose!: PortalTokenPurpose;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;
}
