import { addDays } from '../core/cpt';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ReportRequestService } from '../usage/report-request.service';
import { readUsDate } from '../usage/report-request.rules';
import { reportSections } from '../usage/report.generator';
import type { ReportType } from '../usage/usage-day';
import type { UsageSource } from '../usage/usage.source';
import { authenticatedCaller } from './client-identity';
import { soapOperation } from './soap-operation';
import { interval, dailyRead, monthlyUsage } from './meter-usage.rows';
import { asArray } from './contract';
import type { MeterUsageMethods, SingleEsiidUsageRequest, StatusCode, SubmitUsageRequest } from './meter-usage.types';

export interface MeterUsageDeps {
  requests: ReportRequestService;
  usage: () => Promise<UsageSource>;
  logger: Logger;
}

/** SMT's on-screen limits for answers in the response itself; larger asks go to SubmitUsageRequest. */
const SYNC_LIMIT_DAYS: Record<ReportType, number> = { INTERVAL: 40, DAILY: 1200, MONTHLY: 731 };

/**
 * The MeterUsage operations: each maps the wire message to the report engine and back. Every
 * error leaves as a SOAP fault from the one fault table; unexpected ones are logged in full.
 */
export function meterUsageMethods(deps: MeterUsageDeps): MeterUsageMethods {
  return {
    SubmitUsageRequest: soapOperation(deps.logger, 'SubmitUsageRequest', async (args: SubmitUsageRequest, req) => {
      const caller = authenticatedCaller(req);
      checkRequesterType(args.requesterType, caller.kind);
      const result = await deps.requests.submit({
        requesterDuns: args.requesterAuthenticationID, reportType: args.reportType,
        startDate: readUsDate(args.startDate, 'startDate'), endDate: readUsDate(args.endDate, 'endDate'),
        version: args.version ?? undefined, readingType: args.readingType ?? undefined, esiids: asArray(args.esiid), transId: args.trans_id,
        platformEstimates: readXsBoolean(args.platformEstimates, 'platformEstimates'),
      }, { participantId: caller.participantId });
      return {
        trans_id: args.trans_id, correlationId: result.correlationId, statusCode: result.statusCode as StatusCode,
        ...(result.statusReason ? { statusReason: result.statusReason } : {}),
        ...(result.notAuthorized.length > 0 ? { notAuthorized: result.notAuthorized } : {}),
      };
    }),

    GetUsageRequestStatus: soapOperation(deps.logger, 'GetUsageRequestStatus', async (args, req) => {
      const view = await deps.requests.status(args.correlationId, authenticatedCaller(req).participantId);
      return {
        trans_id: args.trans_id, correlationId: view.correlationId, statusCode: view.statusCode as StatusCode,
        ...(view.statusReason ? { statusReason: view.statusReason } : {}),
        ...(view.files.length > 0 ? { file: view.files.filter((f) => !f.removed).map((f) => ({ fileName: f.fileName, recordCount: f.records, bytes: f.bytes })) } : {}),
        ...(view.expiresAt ? { expiresAt: view.expiresAt } : {}),
      };
    }),

    GetIntervalUsage: soapOperation(deps.logger, 'GetIntervalUsage', async (args, req) => {
      const { statusCode, statusReason, rows } = await readSync(deps, 'INTERVAL', args, req);
      return { trans_id: args.trans_id, statusCode, ...(statusReason ? { statusReason } : {}), ...(rows.length > 0 ? { interval: rows.map(interval) } : {}) };
    }),

    GetDailyReads: soapOperation(deps.logger, 'GetDailyReads', async (args, req) => {
      const { statusCode, statusReason, rows } = await readSync(deps, 'DAILY', args, req);
      return { trans_id: args.trans_id, statusCode, ...(statusReason ? { statusReason } : {}), ...(rows.length > 0 ? { dailyRead: rows.map(dailyRead) } : {}) };
    }),

    GetMonthlyUsage: soapOperation(deps.logger, 'GetMonthlyUsage', async (args, req) => {
      const { statusCode, statusReason, rows } = await readSync(deps, 'MONTHLY', args, req);
      return { trans_id: args.trans_id, statusCode, ...(statusReason ? { statusReason } : {}), ...(rows.length > 0 ? { monthlyUsage: rows.map(monthlyUsage) } : {}) };
    }),
  };
}

/** One ESI ID within the on-screen limits, answered in the response with the CSV's columns. */
async function readSync(deps: MeterUsageDeps, reportType: ReportType, args: SingleEsiidUsageRequest, req: unknown) {
  const caller = authenticatedCaller(req);
  const startDate = readUsDate(args.startDate, 'startDate');
  const endDate = readUsDate(args.endDate, 'endDate');
  const limit = SYNC_LIMIT_DAYS[reportType];
  if (endDate >= startDate && addDays(startDate, limit) <= endDate) {
    const what = reportType === 'MONTHLY' ? '24 months' : `${limit} days`;
    throw new SmtError('RANGE_TOO_LARGE', `${reportType} answers in the response cover at most ${what}; ask SubmitUsageRequest for a file instead`);
  }
  const { spec, scope, authorized } = await deps.requests.prepare({
    requesterDuns: args.requesterAuthenticationID, reportType, startDate, endDate,
    version: args.version ?? undefined, readingType: args.readingType ?? undefined, esiids: [args.esiid], transId: args.trans_id,
  }, caller.participantId);
  if (authorized.length === 0) return { statusCode: 'NAU' as StatusCode, statusReason: `ESI ID ${args.esiid} is not authorized for DUNS ${spec.requesterDuns} in this range`, rows: [] };
  const rows: string[][] = [];
  for await (const group of reportSections(await deps.usage(), { ...spec, esiids: authorized, scope })) rows.push(...group);
  return { statusCode: '0' as StatusCode, statusReason: null, rows };
}


function checkRequesterType(requesterType: string, kind: 'REP' | 'TDSP'): void {
  const expected = kind === 'REP' ? 'ROR' : 'TDSP';
  if (requesterType !== expected) {
    throw new SmtError('REPORT_OPTION_INVALID', `requesterType "${requesterType}" does not match your registration as a ${kind}; send ${expected}`);
  }
}

/**
 * An optional xs:boolean, as the text sent (meter-usage.xsd's Flag: node-soap converts only elements
 * typed xs:boolean itself, and would read "yes" as false and "TRUE" as true). xs:boolean's lexical
 * forms are true, false, 1 and 0, case-sensitive, with surrounding whitespace collapsed (node-soap
 * trims it). Absent, or sent empty (node-soap: null), is the schema's default, false. Anything else is refused.
 */
function readXsBoolean(value: string | null | undefined, field: string): boolean {
  if (value === undefined || value === null) return false;
  const text = String(value).trim();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0' || text === '') return false;
  throw new SmtError('REPORT_OPTION_INVALID', `${field} "${text.slice(0, 20)}" is not an xs:boolean: send true or false (1 or 0), or leave ${field} out for false`);
}
