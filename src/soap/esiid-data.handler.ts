import type { DataGap } from '../availability/data-gaps.report';
import type { Caller, EsiidDataService } from '../availability/esiid-data.service';
import { REPORT_FAILURES } from '../usage/report-request.service';
import type { Logger } from '../core/logger';
import { usDate } from '../usage/report-format';
import { readUsDate } from '../usage/report-request.rules';
import { authenticatedCaller } from './client-identity';
import { asArray, wireText } from './contract';
import type { DataGapRow, DataStatus, EsiIdDataMethods, IntervalRow } from './esiid-data.types';
import { interval } from './meter-usage.rows';
import { soapOperation } from './soap-operation';

/**
 * The EsiIdData operations: each maps the wire message to the ESI ID data service and back. The
 * caller is the entity of the client certificate (set by the security layer); the DUNS in the message
 * is only the one it acts for, checked against that entity by the service. Errors leave as SOAP faults
 * from the one fault table.
 */
export function esiidDataMethods(service: EsiidDataService, logger: Logger): EsiIdDataMethods {
  const callerOf = (req: unknown, duns: unknown): Caller => ({ participantId: authenticatedCaller(req).participantId, requesterDuns: wireText(duns) ?? '' });
  return {
    GetTradeDateIntervalData: soapOperation(logger, 'GetTradeDateIntervalData', async (args, req) => {
      const answer = await service.tradeDateIntervals(callerOf(req, args.requesterAuthenticationID), {
        tradeDate: readUsDate(args.tradeDate, 'tradeDate'), esiids: asArray(args.esiid).map((e) => wireText(e) ?? ''),
        readingType: wireText(args.readingType), transId: args.trans_id,
      });
      if (answer.kind === 'file') {
        const r = answer.request;
        return {
          trans_id: args.trans_id, statusCode: r.statusCode as DataStatus, ...(r.statusReason ? { statusReason: r.statusReason } : {}),
          correlationId: r.correlationId, ...(r.notAuthorized.length > 0 ? { notAuthorized: r.notAuthorized } : {}),
        };
      }
      const none = answer.authorized.length === 0;
      return {
        trans_id: args.trans_id, statusCode: none ? 'NAU' : '0', ...(none ? { statusReason: REPORT_FAILURES.NAU } : {}),
        ...(answer.notAuthorized.length > 0 ? { notAuthorized: answer.notAuthorized } : {}),
        ...(answer.rows.length > 0 ? { interval: answer.rows.map((r) => interval(r) as IntervalRow) } : {}),
      };
    }),

    GetEsiidsWithoutIntervalData: soapOperation(logger, 'GetEsiidsWithoutIntervalData', async (args, req) => {
      const tradeDate = readUsDate(args.tradeDate, 'tradeDate');
      const page = await service.withoutIntervalData(callerOf(req, args.requesterAuthenticationID), {
        tradeDate, afterEsiid: wireText(args.afterEsiid), maxResults: wireText(args.maxResults),
      });
      return {
        trans_id: args.trans_id, tradeDate: usDate(tradeDate), esiidsChecked: String(page.checked),
        ...(page.items.length > 0 ? { esiid: page.items } : {}), ...(page.next ? { nextAfterEsiid: page.next } : {}),
      };
    }),

    RequestOwnedIntervalData: soapOperation(logger, 'RequestOwnedIntervalData', async (args, req) => {
      const { esiidCount, request } = await service.ownedIntervals(callerOf(req, args.requesterAuthenticationID), {
        startDate: readUsDate(args.startDate, 'startDate'), endDate: readUsDate(args.endDate, 'endDate'),
        version: wireText(args.version), readingType: wireText(args.readingType), transId: args.trans_id,
      });
      if (!request) return { trans_id: args.trans_id, statusCode: 'NAU', statusReason: 'you own no ESI ID in this range', esiidCount: '0' };
      return {
        trans_id: args.trans_id, statusCode: request.statusCode as DataStatus, ...(request.statusReason ? { statusReason: request.statusReason } : {}),
        correlationId: request.correlationId, esiidCount: String(esiidCount),
      };
    }),

    GetDataGaps: soapOperation(logger, 'GetDataGaps', async (args, req) => {
      const page = await service.dataGaps(callerOf(req, args.requesterAuthenticationID), {
        startDate: readUsDate(args.startDate, 'startDate'), endDate: readUsDate(args.endDate, 'endDate'),
        afterEsiid: wireText(args.afterEsiid), maxEsiids: wireText(args.maxEsiids),
      });
      return {
        trans_id: args.trans_id, esiidsChecked: String(page.checked),
        ...(page.items.length > 0 ? { gap: page.items.map(gapRow) } : {}), ...(page.next ? { nextAfterEsiid: page.next } : {}),
      };
    }),
  };
}

function gapRow(g: DataGap): DataGapRow {
  return {
    esiid: g.esiid, operatingDay: usDate(g.operatingDay), repDuns: g.repDuns, why: g.why === 'rejected' ? 'REJECTED' : 'NEVER_RECEIVED',
    ...(g.code ? { code: g.code } : {}), ...(g.fileName ? { fileName: g.fileName } : {}), detail: g.detail,
  };
}
