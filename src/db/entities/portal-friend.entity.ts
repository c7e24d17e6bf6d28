import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type PortalFriendStatus = 'INVITED' | 'ACTIVE' | 'REVOKED';

/** An invitation a customer emailed to a friend; only the SHA-256 of its link's token is stored, and it is used once. */
@Entity('portal_friend_invite')
export class PortalFriendInvite {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('idx_portal_friend_invite_token', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'owner_user_id', type: 'integer' })
  ownerUserId!: number;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** ISO 8601 UTC: the link works until then. */
  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;

  /** ISO 8601 UTC when a friend accepted it; null while open. */
  @Column({ name: 'used_at', type: 'varchar', length: 30, nullable: true })
  usedAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}

/** One meter shared with a friend: invited, then active until its end date or until the customer revokes it. */
@Entity('portal_friend')
@Index('idx_portal_friend_owner', ['ownerUserId', 'esiid'])
@Index('idx_portal_friend_friend', ['friendUserId'])
export class PortalFriend {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'invite_id', type: 'integer' })
  inviteId!: number;

  @Column({ name: 'owner_user_id', type: 'integer' })
  ownerUserId!: number;

  /** Null until the invitation is accepted. */
  @Column({ name: 'friend_user_id', type: 'integer', nullable: true })
  friendUserId!: number | null;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  /** YYYY-MM-DD, inclusive: the last day the friend sees the meter. */
  @Column({ name: 'end_date', type: 'varchar', length: 10 })
  endDate!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: PortalFriendStatus;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'changed_at', type: 'varchar', length: 30 })
  changedAt!: string;
}

