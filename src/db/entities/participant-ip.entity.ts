import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MarketParticipant } from './market-participant.entity';

/** An address a participant calls from (normalized: see src/security/ip-address.ts). */
@Entity('participant_ip')
export class ParticipantIp {
  @PrimaryColumn({ name: 'participant_id', type: 'integer' })
  participantId!: number;

  @PrimaryColumn({ type: 'varchar', length: 45 })
  ip!: string;

  @ManyToOne(() => MarketParticipant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'participant_id' })
  participant!: MarketParticipant;
}
