import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../config/config';
import { createPrivateFileIfMissing, makePrivateDirSync } from '../core/private-files';
import { Esiid } from './entities/esiid.entity';
import { IngestFile } from './entities/ingest-file.entity';
import { IngestRejection } from './entities/ingest-rejection.entity';
import { MarketParticipant } from './entities/market-participant.entity';
import { ParticipantCertificate } from './entities/participant-certificate.entity';
import { ParticipantDuns } from './entities/participant-duns.entity';
import { ParticipantIp } from './entities/participant-ip.entity';
import { ParticipantPassword } from './entities/participant-password.entity';
import { RepOfRecord } from './entities/rep-of-record.entity';
import { DailyPosting } from './entities/daily-posting.entity';
import { ReportFile } from './entities/report-file.entity';
import { ReportRequest } from './entities/report-request.entity';
import { RevokedCertificate } from './entities/revoked-certificate.entity';
import { HanDevice } from './entities/han-device.entity';
import { HanDeviceEvent } from './entities/han-device-event.entity';
import { TdspDispatch } from './entities/tdsp-dispatch.entity';
import { HanMessage } from './entities/han-message.entity';
import { HanMessageStatus } from './entities/han-message-status.entity';
import { HanMessageTarget } from './entities/han-message-target.entity';
import { InitialSchema1764201600000 } from './migrations/1764201600000-initial-schema';
import { ReportRequests1764288000000 } from './migrations/1764288000000-report-requests';
import { Credentials1764374400000 } from './migrations/1764374400000-credentials';
import { ParticipantPasswords1764460800000 } from './migrations/1764460800000-participant-passwords';
import { HanDevices1764547200000 } from './migrations/1764547200000-han-devices';
import { HanMessages1764633600000 } from './migrations/1764633600000-han-messages';
import { TrustState1764720000000 } from './migrations/1764720000000-trust-state';
import { SeenSignature } from './entities/seen-signature.entity';
import { LoginFailure } from './entities/login-failure.entity';
import { LoginLock } from './entities/login-lock.entity';
import { ReportFairness1764720000500 } from './migrations/1764720000500-report-fairness';
import { Portal1764720001000 } from './migrations/1764720001000-portal';
import { portalEntities } from './entities/portal.entities';
import { HanCancellations1764720000700 } from './migrations/1764720000700-han-cancellations';
import { PortalAdmins1764720001100 } from './migrations/1764720001100-portal-admins';
import { IngestFileTimes1764720007400 } from './migrations/1764720007400-ingest-file-times';
import { PortalAccounts1764720002000 } from './migrations/1764720002000-portal-accounts';
import { HanRequestChannel1764720003000 } from './migrations/1764720003000-han-request-channel';
import { PortalFriends1764720003100 } from './migrations/1764720003100-portal-friends';
import { SQLITE_BUSY_TIMEOUT_MS, SQLITE_WAL_AUTOCHECKPOINT_PAGES } from './sqlite-settings';
import { VeeFindingRow } from './entities/vee-finding.entity';
import { VeeFindings1764720006000 } from './migrations/1764720006000-vee-findings';
import { IngestFileQuality } from './entities/ingest-file-quality.entity';
import { IngestFileQuality1764720006100 } from './migrations/1764720006100-ingest-file-quality';
import { PlatformEstimate } from './entities/platform-estimate.entity';
import { PlatformEstimates1764720006200 } from './migrations/1764720006200-platform-estimates';
import { VeeWeekdayTotals1764720007500 } from './migrations/1764720007500-vee-weekday-totals';
import { ExtractSubscription } from './entities/extract-subscription.entity';
import { ExtractSubscriptions1764720006300 } from './migrations/1764720006300-extract-subscriptions';
import { LoadProfileEstimates1764720007100 } from './migrations/1764720007100-load-profile-estimates';
import { EsiidDataKeys1764720007000 } from './migrations/1764720007000-esiid-data-keys';
import { RepOfRecordFillfactor1764720007300 } from './migrations/1764720007300-rep-of-record-fillfactor';
import { IngestFileLoader1764720007310 } from './migrations/1764720007310-ingest-file-loader';
import { JobLease } from './entities/job-lease.entity';
import { JobLeases1764720004000 } from './migrations/1764720004000-job-leases';
import { DropEsiidTdspIndex1764720007600 } from './migrations/1764720007600-drop-esiid-tdsp-index';
import { JobLeaseRetries1764720007610 } from './migrations/1764720007610-job-lease-retries';
import { VeeWeekdayBuckets1764720007700 } from './migrations/1764720007700-vee-weekday-buckets';
import { IntervalPartitions1764720005000 } from './migrations/1764720005000-interval-partitions';

export const entities = [MarketParticipant, ParticipantDuns, Esiid, RepOfRecord, IngestFile, IngestRejection, ReportRequest, ReportFile, DailyPosting,
  ParticipantCertificate, ParticipantIp, RevokedCertificate, ParticipantPassword, HanDevice, HanDeviceEvent, TdspDispatch,
  HanMessage, HanMessageTarget, HanMessageStatus, SeenSignature, LoginFailure, LoginLock, ...portalEntities, JobLease, VeeFindingRow, IngestFileQuality, PlatformEstimate, ExtractSubscription];
export const migrations = [InitialSchema1764201600000, ReportRequests1764288000000, Credentials1764374400000, ParticipantPasswords1764460800000, HanDevices1764547200000, HanMessages1764633600000, TrustState1764720000000, ReportFairness1764720000500, HanCancellations1764720000700, Portal1764720001000, PortalAdmins1764720001100, PortalAccounts1764720002000, HanRequestChannel1764720003000, PortalFriends1764720003100, JobLeases1764720004000, IntervalPartitions1764720005000, VeeFindings1764720006000, IngestFileQuality1764720006100, PlatformEstimates1764720006200, ExtractSubscriptions1764720006300, EsiidDataKeys1764720007000, LoadProfileEstimates1764720007100, RepOfRecordFillfactor1764720007300, IngestFileLoader1764720007310, IngestFileTimes1764720007400, VeeWeekdayTotals1764720007500, DropEsiidTdspIndex1764720007600, JobLeaseRetries1764720007610, VeeWeekdayBuckets1764720007700];

export function sqliteFile(config: Config): string {
  return path.join(config.dataDir, 'smt.sqlite');
}

/** SQLite settings shared by every connection to the embedded database (see sqlite-settings.ts). */
export { SQLITE_BUSY_TIMEOUT_MS };

export function createDataSource(config: Config): DataSource {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  let options: DataSourceOptions;
  if (config.db.type === 'sqlite') {
    makePrivateDirSync(config.dataDir);
    createPrivateFileIfMissing(sqliteFile(config));
    options = {
      ...common,
      type: 'better-sqlite3',
      database: sqliteFile(config),
      enableWAL: true,
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      prepareDatabase: (db: { pragma(source: string): unknown }) => void db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`),
    };
  } else if (config.db.type === 'postgres') {
    options = { ...common, type: 'postgres', url: config.db.url! };
  } else {
    options = { ...common, type: 'mssql', url: config.db.url!, options: { encrypt: true } } as DataSourceOptions;
  }
  return new DataSource(options);
}

/** Connects and brings the schema up to date (also what `smt db migrate` does). */
export async function openDatabase(config: Config): Promise<DataSource> {
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  await runMigrationsOnce(dataSource, config.db.type);
  if (config.db.type === 'sqlite') serializeTransactions(dataSource);
  return dataSource;
}

/** Key of the advisory lock PostgreSQL migrations run under. */
const MIGRATION_LOCK = 1_764_720_004;

/**
 * Several `smt serve` instances starting at once on one PostgreSQL database migrate one after the
 * other under an advisory lock: the first brings the schema up to date, the others find nothing to do.
 */
async function runMigrationsOnce(dataSource: DataSource, type: Config['db']['type']): Promise<void> {
  if (type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * TypeORM runs every SQLite transaction on the one shared connection, so two at once fail
 * ("cannot start a transaction within a transaction"). Transactions of this DataSource queue instead.
 */
function serializeTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    const result = tail.then(() => transaction(...args));
    tail = result.catch(() => undefined);
    return result;
  }) as typeof manager.transaction;
}
