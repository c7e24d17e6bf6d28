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

  /** TDSPs: the address of their TdspHan service (wsdl/TdspHan.wsdl). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  endpoint!: string | null;

  /** TDSPs: the oldest meter firmware version that supports HAN provisioning; null: not known. */
  @Column({ name: 'han_min_firmware', type: 'varchar', length: 40, nullable: true })
  hanMinFirmware!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @OneToMany(() => ParticipantDuns, (d) => d.participant)
  duns!: ParticipantDuns[];
}
