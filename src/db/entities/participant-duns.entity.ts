import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MarketParticipant } from './market-participant.entity';

/** A DUNS number (9 digits, or 13 with a suffix) a participant acts for. */
@Entity('participant_duns')
export class ParticipantDuns {
  @PrimaryColumn({ type: 'varchar', length: 13 })
  duns!: string;

  @Column({ name: 'participant_id', type: 'integer' })
  participantId!: number;

  @ManyToOne(() => MarketParticipant, (p) => p.duns, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'participant_id' })
  participant!: MarketParticipant;
}
