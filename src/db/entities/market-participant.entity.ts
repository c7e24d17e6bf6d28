import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { ParticipantDuns } from './participant-duns.entity';

export type ParticipantKind = 'REP' | 'TDSP';

/** A market participant: a retail electric provider (REP) or a utility (TDSP). */
@Entity('market_participant')
export class MarketParticipant {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 4 })
  kind!: ParticipantKind;

  /** ASCII-armored OpenPGP public key the participant's files are encrypted to. */
  @Column({ name: 'pgp_public_key', type: 'text', nullable: true })
  pgpPublicKey!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @OneToMany(() => ParticipantDuns, (d) => d.participant)
  duns!: ParticipantDuns[];
}
