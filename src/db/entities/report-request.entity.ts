import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** PEN pending, PRC processing, PUB publishing its files, 0 done; anything else is a failure code. */
export type ReportStatus = 'PEN' | 'PRC' | 'PUB' | '0' | string;

/** A usage report request (ad-hoc, CLI or daily posting) and its progress. */
@Entity('report_request')
@Index('idx_report_request_status', ['status', 'id'])
@Index('idx_report_request_participant_claimed', ['participantId', 'claimedAt'])
@Index('idx_report_request_participant_created', ['participantId', 'createdAt'])
export class ReportRequest {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'correlation_id', type: 'varchar', length: 36, unique: true })
  correlationId!: string;

  /** The caller's own id for the request, echoed back (SOAP trans_id). */
  @Column({ name: 'trans_id', type: 'varchar', length: 64, nullable: true })
  transId!: string | null;

  @Column({ name: 'participant_id', type: 'integer' })
  participantId!: number;

  @Column({ name: 'requester_duns', type: 'varchar', length: 13 })
  requesterDuns!: string;

  @Column({ name: 'report_type', type: 'varchar', length: 8 })
  reportType!: string;

  @Column({ name: 'start_date', type: 'varchar', length: 10 })
  startDate!: string;

  @Column({ name: 'end_date', type: 'varchar', length: 10 })
  endDate!: string;

  @Column({ type: 'varchar', length: 1 })
  version!: string;

  @Column({ name: 'reading_type', type: 'varchar', length: 1 })
  readingType!: string;

  /** adhoc (files in adhoc/) or daily (a daily posting, files in daily/). */
  @Column({ type: 'varchar', length: 8 })
  kind!: string;

  @Column({ type: 'varchar', length: 8 })
  status!: ReportStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  /** The authorized ESI IDs, one per line (up to 50,000). */
  @Column({ type: 'text' })
  esiids!: string;

  @Column({ name: 'esiid_count', type: 'integer' })
  esiidCount!: number;

  /** ESI IDs the requester may not see at all, one per line. */
  @Column({ name: 'not_authorized', type: 'text' })
  notAuthorized!: string;

  @Column({ name: 'record_count', type: 'integer', default: 0 })
  recordCount!: number;

  @Column({ name: 'claimed_by', type: 'varchar', length: 100, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_at', type: 'varchar', length: 30, nullable: true })
  claimedAt!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;

  @Column({ name: 'expires_at', type: 'varchar', length: 30, nullable: true })
  expiresAt!: string | null;

  /** Daily postings: days before endDate carry only records loaded by ingest files after this one. */
  @Column({ name: 'revisions_after_file_id', type: 'integer', nullable: true })
  revisionsAfterFileId!: number | null;

  /** The requester asked for platform estimates of missing days, in rows marked as such (null or false: TDSP data only). */
  @Column({ name: 'platform_estimates', type: 'boolean', nullable: true })
  platformEstimates!: boolean | null;
}
