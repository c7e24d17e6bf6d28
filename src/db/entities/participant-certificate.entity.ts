import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MarketParticipant } from './market-participant.entity';

/** 'tls': presented in the mutual-TLS handshake; 'signing': signs WS-Security messages. */
export type CertificatePurpose = 'tls' | 'signing';

/** A client certificate registered to a participant. */
@Entity('participant_certificate')
export class ParticipantCertificate {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('idx_participant_certificate_participant')
  @Column({ name: 'participant_id', type: 'integer' })
  participantId!: number;

  @ManyToOne(() => MarketParticipant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'participant_id' })
  participant!: MarketParticipant;

  @Column({ type: 'varchar', length: 8 })
  purpose!: CertificatePurpose;

  /** SHA-256 of the DER encoding, upper-case hex: what the server looks a connection up by. */
  @Column({ name: 'fingerprint256', type: 'varchar', length: 64, unique: true })
  fingerprint256!: string;

  @Index('idx_participant_certificate_serial')
  @Column({ name: 'serial_hex', type: 'varchar', length: 64 })
  serialHex!: string;

  /** Subject common name. */
  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  /** Issuer common name. */
  @Column({ type: 'varchar', length: 200 })
  issuer!: string;

  @Column({ type: 'text' })
  pem!: string;

  /** ISO 8601 UTC, so that string order is time order on every database. */
  @Column({ name: 'not_before', type: 'varchar', length: 30 })
  notBefore!: string;

  @Column({ name: 'not_after', type: 'varchar', length: 30 })
  notAfter!: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 30, nullable: true })
  revokedAt!: string | null;
}
