import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { MarketParticipant } from './market-participant.entity';

/** A participant's FTPS password, as a salted scrypt hash (see src/security/password.ts); never the password itself. */
@Entity('participant_password')
export class ParticipantPassword {
  @PrimaryColumn({ name: 'participant_id', type: 'integer' })
  participantId!: number;

  @Column({ type: 'varchar', length: 200 })
  hash!: string;

  /** ISO 8601 UTC. */
  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @OneToOne(() => MarketParticipant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'participant_id' })
  participant!: MarketParticipant;
}
