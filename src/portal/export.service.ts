import crypto from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { cptToday, isDay } from '../core/cpt';
import { SmtError } from '../core/errors';
import { PortalExport } from '../db/entities/portal-export.entity';
import { PortalUser } from '../db/entities/portal-user.entity';
import { ReportFile } from '../db/entities/report-file.entity';
import { ReportRequest } from '../db/entities/report-request.entity';
import type { RegistryService } from '../registry/registry.service';
import type { ReportRequestService, SubmitResult } from '../usage/report-request.service';
import type { ReportType } from '../usage/usage-day';
import type { AuditLog } from './audit.log';
import { earliestDay, type Viewer } from './energy-access';
import type { Mailer } from './mailer';
import { canUse } from './user-functions';

export interface ExportInput {
  esiids: string[];
  type: ReportType;
  from: string;
  to: string;
  /** REP and TDSP users may ask for every version of each day (the engine's version A); others get the latest. */
  allVersions?: boolean;
  /** Add the platform's stored estimates of missing consumption days, in marked rows (INTERVAL and DAILY). */
  platformEstimates?: boolean;
}

/** What the Exports page shows of an order, and what a download serves. */
export interface ExportOrder {
  order: PortalExport;
  files: { fileName: string; path: string; bytes: number; records: number }[];
}

/** Orders one user may have in progress at once, so that no one fills the queue the portal's customers share. */
export const MAX_EXPORTS_IN_PROGRESS = 3;

/** ESI IDs one export may name from the portal form (the 16 KB form limit holds about 900). */
export const MAX_EXPORT_ESIIDS = 900;
const FINAL = (status: string) => !['PEN', 'PRC', 'PUB'].includes(status);

/**
 * Export requests from the portal: more than one ESI ID, or a range longer than a view shows. The
 * report engine produces them (ReportRequestService, ReportWorker), so every rule of a report is
 * the engine's: a REP's or TDSP's user asks as her participant, exactly as its SOAP requests do
 * (its REP-of-record days or its territory, PGP files for its key); a customer asks for her own
 * meters, each from the first day she may see it, and the regulator for any ESI ID (plain zips).
 * The order number ties the request(s) to the user; only she lists and downloads them.
 */
export class ExportService {
  /** `viewerOf`: the user's own rights (her own meters; never meters others share with her). */
  constructor(private readonly db: DataSource, private readonly reports: () => Promise<ReportRequestService>, private readonly registry: RegistryService,
    private readonly viewerOf: (user: PortalUser) => Promise<Viewer>,
    private readonly mailer: Mailer, private readonly audit: AuditLog, private readonly portalUrl: () => string, private readonly today: () => string = () => cptToday()) {}

  async request(user: PortalUser, input: ExportInput, address: string): Promise<PortalExport> {
    if (!canUse(user, 'USAGE')) throw new SmtError('INPUT_INVALID', 'Your administrator has not given you access to energy data.');
    const esiids = [...new Set(input.esiids.map((e) => e.trim()).filter(Boolean))];
    if (esiids.length === 0) throw new SmtError('REPORT_ESIID_INVALID', 'Name at least one ESI ID.');
    if (esiids.length > MAX_EXPORT_ESIIDS) throw new SmtError('REPORT_TOO_MANY_ESIIDS', `At most ${MAX_EXPORT_ESIIDS} ESI IDs per export from the portal.`);
    if (!isDay(input.from) || !isDay(input.to) || input.to < input.from) throw new SmtError('REPORT_DATES_INVALID', 'Enter real dates (YYYY-MM-DD), the start on or before the end.');
    if ((await this.db.manager.countBy(PortalExport, { userId: user.id, status: 'PEN' })) >= MAX_EXPORTS_IN_PROGRESS) {
      throw new SmtError('REPORT_QUEUE_FULL', `You have ${MAX_EXPORTS_IN_PROGRESS} exports in progress; ask for another when one of them is ready.`);
    }
    const viewer = await this.viewerOf(user);
    const earliest = earliestDay(viewer, input.type, this.today());
    if (input.from < earliest) throw new SmtError('REPORT_START_TOO_OLD', `Your history for this report starts on ${earliest}.`);
    const reports = await this.reports();
    const staff = user.kind === 'REP' || user.kind === 'TDSP';
    const ask = { reportType: input.type, endDate: input.to, version: staff && input.allVersions ? 'A' : 'L', readingType: 'C',
      platformEstimates: input.platformEstimates === true };
    const results: SubmitResult[] = [];
    if (staff) {
      const participant = (await this.registry.listParticipants()).find((p) => p.id === user.participantId);
      if (!participant || participant.duns.length === 0) throw new SmtError('NOT_FOUND', 'Your organization is not a registered market participant.');
      results.push(await reports.submit({ ...ask, requesterDuns: participant.duns[0]!, startDate: input.from, esiids, transId: null }, { participantId: participant.id }));
    } else if (user.kind === 'REGULATOR') {
      results.push(await reports.submitPortal({ ...ask, startDate: input.from, esiids }));
    } else {
      // A customer's meters, each from the day she may see it (energy-access.ts); one request per first day.
      const byStart = new Map<string, string[]>();
      for (const esiid of esiids) {
        const meter = viewer.meters.find((m) => m.esiid === esiid);
        if (!meter) throw new SmtError('REPORT_ESIID_INVALID', `ESI ID ${esiid.slice(0, 64)} is not one of your meters.`);
        const start = meter.visibleFrom > input.from ? meter.visibleFrom : input.from;
        if (start <= input.to) byStart.set(start, [...(byStart.get(start) ?? []), esiid]);
      }
      if (byStart.size === 0) throw new SmtError('REPORT_DATES_INVALID', 'None of these meters has data visible to you in this range.');
      for (const [start, group] of byStart) results.push(await reports.submitPortal({ ...ask, startDate: start, esiids: group }));
    }
    const failed = results.find((r) => r.statusCode === 'NAU');
    const order = {
      orderNumber: `E${Date.now().toString().slice(-9)}${crypto.randomInt(100, 1000)}`, userId: user.id, requestIds: results.map((r) => r.requestId).join(','),
      reportType: input.type, startDate: input.from, endDate: input.to, esiidCount: esiids.length, status: failed ? 'FAILED' : 'PEN',
      reason: failed ? 'None of these ESI IDs has data your organization may see in this range.' : '', createdAt: new Date().toISOString(), notifiedAt: null,
    };
    const inserted = await this.db.manager.insert(PortalExport, order);
    await this.audit.record('EXPORT_REQUESTED', user.login, address, `order ${order.orderNumber}: ${input.type}${ask.version === 'A' ? ' all versions' : ''}${ask.platformEstimates ? ' with platform estimates' : ''} ${esiids.length} ESI ID(s) ${input.from}..${input.to}`);
    return { ...order, id: Number(inserted.identifiers[0]!.id) };
  }

  /** The user's orders, newest first, with their files once ready. */
  async list(user: PortalUser, limit = 50): Promise<ExportOrder[]> {
    const orders = await this.db.manager.find(PortalExport, { where: { userId: user.id }, order: { id: 'DESC' }, take: limit });
    return Promise.all(orders.map(async (order) => ({ order, files: order.status === 'READY' ? await this.filesOf(order) : [] })));
  }

  /** One of the user's own orders, or null (another user's order number is not found). */
  async order(user: PortalUser, orderNumber: string): Promise<ExportOrder | null> {
    if (!/^E\d{1,20}$/.test(orderNumber)) return null;
    const order = await this.db.manager.findOneBy(PortalExport, { orderNumber, userId: user.id });
    return order ? { order, files: order.status === 'READY' ? await this.filesOf(order) : [] } : null;
  }

  /**
   * Marks orders whose report requests all finished as READY (or FAILED with the engine's reason) and
   * emails their users. The update is conditional, so with several portal instances polling, each
   * order is announced once. Returns the orders announced.
   */
  async announceFinished(): Promise<number> {
    const waiting = await this.db.manager.find(PortalExport, { where: { status: 'PEN' }, take: 100 });
    let announced = 0;
    for (const order of waiting) {
      const requests = await this.db.manager.find(ReportRequest, { where: { id: In(ids(order)) }, select: { id: true, status: true, statusReason: true } });
      if (requests.length === 0 || !requests.every((r) => FINAL(r.status))) continue;
      const bad = requests.find((r) => r.status !== '0');
      const next = bad ? { status: 'FAILED', reason: (bad.statusReason ?? `the report failed (${bad.status})`).slice(0, 300) } : { status: 'READY', reason: '' };
      const updated = await this.db.manager.update(PortalExport, { id: order.id, status: 'PEN' }, { ...next, notifiedAt: new Date().toISOString() });
      if (updated.affected !== 1) continue;
      const user = await this.db.manager.findOneBy(PortalUser, { id: order.userId });
      if (user) {
        await this.mailer.send({ to: user.email, subject: bad ? `Smart Meter Texas: export ${order.orderNumber} could not be produced` : `Smart Meter Texas: your export ${order.orderNumber} is ready`,
          text: bad ? `Hello ${user.firstName},\n\nYour export ${order.orderNumber} could not be produced: ${next.reason}\n\n${this.portalUrl()}/exports\n`
            : `Hello ${user.firstName},\n\nYour export ${order.orderNumber} (${order.reportType}, ${order.startDate} to ${order.endDate}) is ready. Download it after logging in:\n\n${this.portalUrl()}/exports\n` });
      }
      announced++;
    }
    return announced;
  }

  private async filesOf(order: PortalExport): Promise<ExportOrder['files']> {
    const files = await this.db.manager.find(ReportFile, { where: { requestId: In(ids(order)) }, order: { id: 'ASC' } });
    return files.filter((f) => f.deletedAt === null).map((f) => ({ fileName: f.fileName, path: f.path, bytes: f.bytes, records: f.records }));
  }
}

function ids(order: PortalExport): number[] {
  return order.requestIds.split(',').map(Number).filter(Number.isSafeInteger);
}
