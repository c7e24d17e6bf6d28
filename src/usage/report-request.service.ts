import { randomUUID } from 'node:crypto';
import { In, MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { placeholders } from '../db/bulk-sql';
import { ReportFile } from '../db/entities/report-file.entity';
import { ReportRequest } from '../db/entities/report-request.entity';
import type { RegistryService } from '../registry/registry.service';
import { authorizedDays, type AccessScope } from './report-access';
import { checkQueued, checkRowWindow, estimateRows, QUEUED_STATUSES, ROW_WINDOW_MS, type ReportQuota } from './report-quota';
import { checkReportRequest, type ReportRequestInput, type ReportRequestSpec } from './report-request.rules';
import type { UsageSource } from './usage.source';
import { keptNotAuthorized, readNotAuthorized } from './not-authorized';

/** The participant id under which the portal's exports for customers and the regulator are queued (no participant has it). */
export const PORTAL_PARTICIPANT_ID = 0;

/** Status codes beyond PEN / PRC / PUB / 0 (done). */
export const REPORT_FAILURES = {
  NAU: 'none of the ESI IDs asked is authorized for this requester',
  NOKEY: 'the requester has no PGP public key registered; register one (smt entity update NAME --pgp-key FILE) and ask again',
  ERR: 'the report could not be produced; the platform log has the details under this correlation id',
  EXP: 'the report files were removed after the retention period',
} as const;

export interface SubmitResult {
  requestId: number;
  correlationId: string;
  transId: string | null;
  statusCode: string;
  statusReason: string | null;
  notAuthorized: string[];
}

export interface ReportStatusView {
  correlationId: string;
  transId: string | null;
  requesterDuns: string;
  reportType: string;
  startDate: string;
  endDate: string;
  version: string;
  readingType: string;
  kind: string;
  statusCode: string;
  statusReason: string | null;
  esiidCount: number;
  /** The request asked for platform estimates of missing days. */
  platformEstimates: boolean;
  /** The first not-authorized ESI IDs as stored (not-authorized.ts: at most NAU_KEPT). */
  notAuthorized: string[];
  /** How many ESI IDs asked were not authorized, in all. */
  notAuthorizedCount: number;
  recordCount: number;
  files: { fileName: string; records: number; bytes: number; removed: boolean }[];
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
}

/** Accepts report requests (checks, access split), stores them for the worker, and reports their status. */
export class ReportRequestService {
  constructor(
    private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly source: () => Promise<UsageSource>,
    private readonly logger: Logger,
    private readonly today: () => string,
    private readonly quota: ReportQuota,
  ) {}

  /** The access scope of whoever acts for `duns`; when `participantId` is given, the DUNS must be one of its own. */
  async scopeFor(duns: string, participantId?: number): Promise<AccessScope> {
    const participant = await this.registry.actingFor(duns, participantId);
    return { participantId: participant.id, kind: participant.kind, duns: new Set(participant.duns) };
  }

  /** Checks a request and splits its ESI IDs into those the requester may see at all and those it may not. */
  async prepare(input: ReportRequestInput, participantId?: number, maxEsiids?: number): Promise<{ spec: ReportRequestSpec; scope: AccessScope; authorized: string[]; notAuthorized: string[] }> {
    const spec = checkReportRequest(input, this.today(), maxEsiids);
    const scope = await this.scopeFor(spec.requesterDuns, participantId);
    const facts = await (await this.source()).facts(spec.esiids);
    const authorized: string[] = [];
    const notAuthorized: string[] = [];
    for (const esiid of spec.esiids) {
      (authorizedDays(scope, facts.get(esiid), spec.startDate, spec.endDate).length > 0 ? authorized : notAuthorized).push(esiid);
    }
    return { spec, scope, authorized, notAuthorized };
  }

  /**
   * `revisionsAfterFileId` (daily postings): revised days ride along for files loaded after this one.
   * `manager` (daily postings): the posting's transaction, which stores the request with its posting or not at all.
   */
  async submit(input: ReportRequestInput, options: { participantId?: number; kind?: 'adhoc' | 'daily'; revisionsAfterFileId?: number | null; manager?: EntityManager } = {}): Promise<SubmitResult> {
    // Daily postings cover every ESI ID a DUNS serves, however many; requesters are held to 50,000.
    const limit = options.kind === 'daily' ? Number.MAX_SAFE_INTEGER : undefined;
    const { spec, scope, authorized, notAuthorized } = await this.prepare(input, options.participantId, limit);
    const nothing = authorized.length === 0;
    const row: Omit<ReportRequest, 'id' | 'claimedBy' | 'claimedAt' | 'expiresAt'> = {
      correlationId: randomUUID(), transId: spec.transId, participantId: scope.participantId, requesterDuns: spec.requesterDuns,
      reportType: spec.reportType, startDate: spec.startDate, endDate: spec.endDate, version: spec.version,
      readingType: spec.readingType, kind: options.kind ?? 'adhoc', status: nothing ? 'NAU' : 'PEN',
      statusReason: nothing ? REPORT_FAILURES.NAU : null, esiids: authorized.join('\n'), esiidCount: authorized.length,
      notAuthorized: keptNotAuthorized(notAuthorized), revisionsAfterFileId: options.revisionsAfterFileId ?? null, recordCount: 0, attempts: 0, createdAt: new Date().toISOString(),
      finishedAt: nothing ? new Date().toISOString() : null, platformEstimates: spec.platformEstimates && options.kind !== 'daily',
    };
    // Daily postings are the platform's own work; every requester's request is held to its limits, NAU too (chargedRows).
    const saved = options.kind === 'daily' ? await (options.manager ?? this.db.manager).getRepository(ReportRequest).save(row) : await this.saveWithinQuota(row);
    this.logger.info('report: request accepted', {
      correlationId: saved.correlationId, duns: spec.requesterDuns, type: spec.reportType, esiids: authorized.length, notAuthorized: notAuthorized.length,
    });
    return { requestId: saved.id, correlationId: saved.correlationId, transId: saved.transId, statusCode: saved.status, statusReason: saved.statusReason, notAuthorized };
  }

  /**
   * A web portal export for a customer or the regulator, who are no market participants: the portal
   * chose the ESI IDs and the first day by the person's rights, so every day asked is reported, as a
   * plain zip (kind `portal`, requester DUNS ''). Checked by the same rules and queued and produced like
   * any ad-hoc request; all such requests share participant id PORTAL_PARTICIPANT_ID for turns and
   * limits, so the portal's exports never crowd out a REP's.
   */
  async submitPortal(input: Omit<ReportRequestInput, 'requesterDuns' | 'transId'>): Promise<SubmitResult> {
    const spec = checkReportRequest({ ...input, requesterDuns: '', transId: null }, this.today());
    const row: Omit<ReportRequest, 'id' | 'claimedBy' | 'claimedAt' | 'expiresAt'> = {
      correlationId: randomUUID(), transId: null, participantId: PORTAL_PARTICIPANT_ID, requesterDuns: '', reportType: spec.reportType, startDate: spec.startDate,
      endDate: spec.endDate, version: spec.version, readingType: spec.readingType, kind: 'portal', status: 'PEN', statusReason: null, esiids: spec.esiids.join('\n'),
      esiidCount: spec.esiids.length, notAuthorized: '', revisionsAfterFileId: null, recordCount: 0, attempts: 0, createdAt: new Date().toISOString(), finishedAt: null,
      platformEstimates: spec.platformEstimates,
    };
    const saved = await this.saveWithinQuota(row);
    this.logger.info('report: portal export accepted', { correlationId: saved.correlationId, type: spec.reportType, esiids: spec.esiids.length });
    return { requestId: saved.id, correlationId: saved.correlationId, transId: null, statusCode: saved.status, statusReason: null, notAuthorized: [] };
  }

  /**
   * Stores an ad-hoc request if its participant stays within its limits. The first statement writes
   * (a no-op update of the participant's row): it locks that row on PostgreSQL and SQL Server and
   * takes SQLite's write lock, so concurrent submissions of one participant are counted one after another.
   */
  private async saveWithinQuota(row: Omit<ReportRequest, 'id' | 'claimedBy' | 'claimedAt' | 'expiresAt'>): Promise<ReportRequest> {
    return this.db.transaction(async (m) => {
      await m.query(`UPDATE "market_participant" SET "kind" = "kind" WHERE "id" = ${placeholders(m, 1, 0)[0]}`, [row.participantId]);
      const requests = m.getRepository(ReportRequest);
      const waiting = { participantId: row.participantId, kind: row.kind, status: In([...QUEUED_STATUSES]) };
      const queued = await requests.countBy(waiting);
      if (queued >= this.quota.maxQueuedPerParticipant) {
        checkQueued(queued, this.quota.maxQueuedPerParticipant, await requests.findOne({ where: waiting, order: { id: 'ASC' }, select: { correlationId: true, createdAt: true } }));
      }
      checkRowWindow(await this.recentRows(m, row.participantId, row.kind), chargedRows(row), this.quota.maxRowsPerParticipant24h, new Date());
      return requests.save(row);
    });
  }

  /** The estimated rows of the participant's ad-hoc (or portal) requests of the last 24 hours. */
  private async recentRows(m: EntityManager, participantId: number, kind: string): Promise<{ createdAt: string; rows: number }[]> {
    const since = new Date(Date.now() - ROW_WINDOW_MS).toISOString();
    const recent = await m.getRepository(ReportRequest).find({
      where: { participantId, kind, createdAt: MoreThan(since) },
      select: { createdAt: true, reportType: true, startDate: true, endDate: true, readingType: true, esiidCount: true, status: true, notAuthorized: true },
    });
    return recent.map((r) => ({ createdAt: r.createdAt, rows: chargedRows(r) }));
  }

  /** The status of a request; a requester only sees its own. */
  async status(correlationId: string, participantId?: number): Promise<ReportStatusView> {
    const request = await this.db.getRepository(ReportRequest).findOneBy({ correlationId });
    if (!request || (participantId !== undefined && request.participantId !== participantId)) {
      throw new SmtError('NOT_FOUND', `no report request with correlation id ${correlationId}`);
    }
    return (await this.views([request]))[0];
  }

  async list(status?: string): Promise<ReportStatusView[]> {
    const requests = await this.db.getRepository(ReportRequest).find({ where: status ? { status } : {}, order: { id: 'ASC' } });
    return this.views(requests);
  }

  private async views(requests: ReportRequest[]): Promise<ReportStatusView[]> {
    const files = requests.length === 0 ? [] : await this.db.getRepository(ReportFile).createQueryBuilder('f')
      .where('f.requestId IN (:...ids)', { ids: requests.map((r) => r.id) }).orderBy('f.id').getMany();
    return requests.map((r) => ({ r, notAuthorized: readNotAuthorized(r.notAuthorized) })).map(({ r, notAuthorized }) => ({
      correlationId: r.correlationId, transId: r.transId, requesterDuns: r.requesterDuns, reportType: r.reportType,
      startDate: r.startDate, endDate: r.endDate, version: r.version, readingType: r.readingType, kind: r.kind,
      statusCode: r.status, statusReason: r.statusReason, esiidCount: r.esiidCount, platformEstimates: r.platformEstimates === true,
      notAuthorized: notAuthorized.listed, notAuthorizedCount: notAuthorized.count, recordCount: r.recordCount,
      files: files.filter((f) => f.requestId === r.id && r.status !== 'PUB').map((f) => ({ fileName: f.fileName, records: f.records, bytes: f.bytes, removed: f.deletedAt !== null })),
      createdAt: r.createdAt, finishedAt: r.finishedAt, expiresAt: r.expiresAt,
    }));
  }
}

/**
 * The rows a request counts against its participant's 24-hour allowance: its estimate over the
 * authorized ESI IDs; a request with none (NAU) over the ESI IDs it asked, as if they were its own.
 * Checking them costs the platform a registry read each, so a requester cannot send unlimited
 * requests of ESI IDs it may not see.
 */
function chargedRows(r: Pick<ReportRequest, 'reportType' | 'startDate' | 'endDate' | 'readingType' | 'esiidCount' | 'status' | 'notAuthorized'>): number {
  return estimateRows(r.status === 'NAU' ? { ...r, esiidCount: readNotAuthorized(r.notAuthorized).count } : r);
}
