import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** PENDING waits (or waits to be retried), SENDING is claimed by a worker, then DONE, REFUSED by the TDSP, or DEAD after the last attempt. */
export type DispatchState = 'PENDING' | 'SENDING' | 'DONE' | 'REFUSED' | 'DEAD';

/** The outbox: one call the platform owes a TDSP, written in the same transaction as the request it serves. */
@Entity('tdsp_dispatch')
@Index('idx_tdsp_dispatch_due', ['state', 'nextAttemptAt'])
@Index('idx_tdsp_dispatch_request', ['requestId'])
export class TdspDispatch {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'tdsp_duns', type: 'varchar', length: 13 })
  tdspDuns!: string;

  /** The TdspHan operation to call. */
  @Column({ type: 'varchar', length: 40 })
  operation!: string;

  /** The operation's message as JSON, without the callback address (added when sent). */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 10 })
  state!: DispatchState;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'varchar', length: 30 })
  nextAttemptAt!: string;

  @Column({ name: 'claimed_by', type: 'varchar', length: 100, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_until', type: 'varchar', length: 30, nullable: true })
  claimedUntil!: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
