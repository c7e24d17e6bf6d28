import type { DataSource } from 'typeorm';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { IngestFile } from '../db/entities/ingest-file.entity';
import type { InboundClaim, InboundClaims } from '../ingest/inbound-folder.worker';
import type { JobLeaseStore } from './job-lease.store';

const LOADED = 'loaded';

/**
 * Claims on uploaded files for instances sharing one database and one FTPS folder: a lease per
 * file (`inbound:<DUNS>/<name>`), held from the claim until the file is in processed/. An instance
 * killed mid-load stops renewing; once the lease lapses another instance takes the file. Its load
 * either committed (then the earlier claim recorded it, or an ingest_file row finished after that
 * claim shows it) and the file is only moved, or it rolled back and the file is loaded again.
 */
export class LeasedInboundClaims implements InboundClaims {
  constructor(private readonly db: DataSource, private readonly leases: JobLeaseStore, private readonly logger: Logger, private readonly ttlMs = 60_000) {}

  async claim(duns: string, name: string): Promise<InboundClaim | null> {
    const key = `inbound:${duns}/${name}`;
    const before = await this.leases.peek(key);
    const lease = await this.leases.acquire(key, this.ttlMs);
    if (!lease) return null;
    const alreadyLoaded = before !== null && (before.donePeriod === LOADED || (await this.finishedSince(name, before.acquiredAt)));
    if (before) this.logger.warn('inbound: taking over a file whose instance stopped', { duns, file: name, claimedBefore: before.acquiredAt, alreadyLoaded });
    const renewal = setInterval(() => {
      this.leases.renew(key, this.ttlMs).catch((error) => this.logger.warn('inbound: claim renewal failed', { file: name, error: errorMessage(error) }));
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    const end = (): void => clearInterval(renewal);
    return {
      alreadyLoaded,
      loaded: () => this.leases.markDone(key, LOADED),
      done: async () => {
        end();
        await this.leases.drop(key);
      },
      abandon: async () => {
        end();
        await this.leases.release(key);
      },
    };
  }

  /**
   * A load of the file that finished (loaded or rejected as a whole) after the earlier claim began.
   * Only a plain file's load has the file's own name; a zip's entries are loaded again (a stored
   * entry then reports its records as unchanged, code 08).
   */
  private async finishedSince(name: string, since: string): Promise<boolean> {
    const n = await this.db.getRepository(IngestFile).createQueryBuilder('f')
      .where('f.file_name = :name AND f.started_at >= :since AND f.status IN (:...statuses)', { name, since, statuses: ['loaded', 'rejected'] })
      .getCount();
    return n > 0;
  }
}
