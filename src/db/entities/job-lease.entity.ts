import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A lease on a piece of work that only one `smt serve` instance may do at a time: a scheduled job
 * (daily postings, retention, partition upkeep) or an uploaded file being loaded. Taken and renewed
 * with conditional updates by src/ops/job-lease.store.ts; a holder that dies stops renewing, and the
 * lease lapses at expires_at for another instance to take.
 */
@Entity('job_lease')
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 400 })
  name!: string;

  /** The instance holding it (host:pid:random), or null once released. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  holder!: string | null;

  /** ISO 8601 UTC (24 characters, so text order is time order). */
  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;

  /** When the current holder took it. */
  @Column({ name: 'acquired_at', type: 'varchar', length: 30 })
  acquiredAt!: string;

  /** The last period (e.g. an operating day) the job completed for; null for leases without periods. */
  @Column({ name: 'done_period', type: 'varchar', length: 40, nullable: true })
  donePeriod!: string | null;

  /** Failures in a row of the work under this lease (a scheduled unit), reset by a success. */
  @Column({ type: 'integer', default: 0 })
  failures!: number;

  /** After a failure: ISO 8601 UTC time before which the work is not tried again (its backoff). */
  @Column({ name: 'retry_at', type: 'varchar', length: 30, nullable: true })
  retryAt!: string | null;
}
