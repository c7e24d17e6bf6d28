import type { DataSource } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { HanMessageRequests } from '../han/han-message-requests';
import { readMessageLog, type HanMessageLogEntry } from '../han/han-message-log';
import type { HanMessageService, SentMessage } from '../han/han-message.service';
import { parseMacAddress } from '../han/mac-address';
import { optionalBoolean, optionalDateTime, optionalDecimal, optionalEnum, optionalInteger, readInteger } from '../han/message-fields';
import { MESSAGE_IMPORTANCES, TRANSMISSION_MODES } from '../han/se1/messaging.encoder';
import { readUsDate } from '../usage/report-request.rules';
import { authenticatedCaller } from './client-identity';
import { asArray, wireText } from './contract';
import { EVENT_CATEGORIES } from '../db/entities/han-message.entity';
import type { HanMethods } from './han.types';
import { soapOperation } from './soap-operation';

export type HanMessageMethods = Omit<HanMethods, 'ProvisionHanDevice' | 'DeprovisionHanDevice' | 'GetHanDeviceDetails' | 'GetHanDeviceHistory' | 'GetMeterInfo'>;

export interface HanMessageDeps {
  db: DataSource;
  messages: HanMessageService;
  requests: HanMessageRequests;
  logger: Logger;
}

// Numbers are read wide here; the SE 1.0 checks of each message give the exact ranges and their meaning.
const int = (value: unknown, field: string) => readInteger(value, field, -(2 ** 32), 2 ** 32);
const optInt = (value: unknown, field: string) => optionalInteger(value, field, -(2 ** 32), 2 ** 32);
const optDecimal = (value: unknown, field: string) => optionalDecimal(value, field, -1e6, 1e6, 0.0001);

/** The HAN messaging operations: each maps the wire message to a message request and back. */
export function hanMessageMethods(deps: HanMessageDeps): HanMessageMethods {
  const rep = (args: { requesterAuthenticationID: string }, req: unknown) => deps.messages.repActingFor(args.requesterAuthenticationID, authenticatedCaller(req).participantId);
  return {
    SendTextMessage: soapOperation(deps.logger, 'SendTextMessage', async (args, req) => {
      const sent = await deps.requests.sendText({
        repDuns: await rep(args, req), esiids: asArray(args.esiid), macs: asArray(args.macAddress).map(parseMacAddress), text: required(args.text, 'text'),
        truncate: optionalBoolean(args.truncate, 'truncate'), startTime: optionalDateTime(args.startTime, 'startTime'),
        durationMinutes: optInt(args.durationMinutes, 'durationMinutes'), importance: optionalEnum(args.importance, 'importance', MESSAGE_IMPORTANCES),
        confirmationRequired: optionalBoolean(args.confirmationRequired, 'confirmationRequired'), transmissionMode: optionalEnum(args.transmissionMode, 'transmissionMode', TRANSMISSION_MODES),
      });
      return { trans_id: args.trans_id, requestId: sent.requestId, messageId: String(sent.eventId), ...dispatchSummary(sent) };
    }),

    CancelTextMessage: soapOperation(deps.logger, 'CancelTextMessage', async (args, req) => {
      const sent = await deps.requests.cancelText({ repDuns: await rep(args, req), requestId: required(args.requestId, 'requestId') });
      return cancellationAnswer(args.trans_id, sent);
    }),

    SendLoadControlEvent: soapOperation(deps.logger, 'SendLoadControlEvent', async (args, req) => {
      const sent = await deps.requests.sendLoadControl({
        repDuns: await rep(args, req), esiids: asArray(args.esiid), issuerEventId: optInt(args.issuerEventId, 'issuerEventId'),
        deviceClass: int(args.deviceClass, 'deviceClass'), utilityEnrollmentGroup: optInt(args.utilityEnrollmentGroup, 'utilityEnrollmentGroup') ?? 0,
        startTime: optionalDateTime(args.startTime, 'startTime'), durationMinutes: int(args.durationMinutes, 'durationMinutes'), criticality: int(args.criticality, 'criticality'),
        coolingTemperatureOffset: optDecimal(args.coolingTemperatureOffset, 'coolingTemperatureOffset'), heatingTemperatureOffset: optDecimal(args.heatingTemperatureOffset, 'heatingTemperatureOffset'),
        coolingTemperatureSetPoint: optDecimal(args.coolingTemperatureSetPoint, 'coolingTemperatureSetPoint'), heatingTemperatureSetPoint: optDecimal(args.heatingTemperatureSetPoint, 'heatingTemperatureSetPoint'),
        averageLoadAdjustmentPercentage: optInt(args.averageLoadAdjustmentPercentage, 'averageLoadAdjustmentPercentage'), dutyCycle: optInt(args.dutyCycle, 'dutyCycle'),
        randomizeStart: optionalBoolean(args.randomizeStart, 'randomizeStart'), randomizeEnd: optionalBoolean(args.randomizeEnd, 'randomizeEnd'),
      });
      return { trans_id: args.trans_id, requestId: sent.requestId, issuerEventId: String(sent.eventId), ...dispatchSummary(sent) };
    }),

    CancelLoadControlEvent: soapOperation(deps.logger, 'CancelLoadControlEvent', async (args, req) => {
      const sent = await deps.requests.cancelLoadControl({
        repDuns: await rep(args, req), requestId: wireText(args.requestId)?.trim() || undefined, issuerEventId: optInt(args.issuerEventId, 'issuerEventId'),
        randomizeEnd: optionalBoolean(args.randomizeEnd, 'randomizeEnd'), effectiveTime: optionalDateTime(args.effectiveTime, 'effectiveTime'),
      });
      return cancellationAnswer(args.trans_id, sent);
    }),

    CancelAllLoadControlEvents: soapOperation(deps.logger, 'CancelAllLoadControlEvents', async (args, req) => {
      const sent = await deps.requests.cancelAllLoadControl({ repDuns: await rep(args, req), esiids: asArray(args.esiid), randomizeEnd: optionalBoolean(args.randomizeEnd, 'randomizeEnd') });
      // A cancel-all names no single request: requestId is its own id (as messageCancellationId), and it lists the events it ended.
      return {
        trans_id: args.trans_id, requestId: sent.requestId, messageCancellationId: sent.cancellationId!,
        ...(sent.cancelledRequestIds.length > 0 ? { cancelledRequestId: sent.cancelledRequestIds } : {}), ...dispatchSummary(sent),
      };
    }),

    SendPriceMessage: soapOperation(deps.logger, 'SendPriceMessage', async (args, req) => {
      const sent = await deps.requests.sendPrice({
        repDuns: await rep(args, req), esiids: asArray(args.esiid), providerId: int(args.providerId, 'providerId'), rateLabel: required(args.rateLabel, 'rateLabel'),
        issuerEventId: optInt(args.issuerEventId, 'issuerEventId'), unitOfMeasure: optInt(args.unitOfMeasure, 'unitOfMeasure') ?? 0,
        currency: optInt(args.currency, 'currency') ?? 840, trailingDigits: int(args.trailingDigits, 'trailingDigits'), priceTier: int(args.priceTier, 'priceTier'),
        numberOfPriceTiers: optInt(args.numberOfPriceTiers, 'numberOfPriceTiers') ?? 0, startTime: optionalDateTime(args.startTime, 'startTime'),
        durationMinutes: optInt(args.durationMinutes, 'durationMinutes'), price: int(args.price, 'price'), priceRatio: optDecimal(args.priceRatio, 'priceRatio'),
        generationPrice: optInt(args.generationPrice, 'generationPrice'),
      });
      return { trans_id: args.trans_id, requestId: sent.requestId, issuerEventId: String(sent.eventId), ...dispatchSummary(sent) };
    }),

    GetHanMessageLog: soapOperation(deps.logger, 'GetHanMessageLog', async (args, req) => {
      const entries = await readMessageLog(deps.db, {
        repDuns: await rep(args, req), from: readUsDate(args.startDate, 'startDate'), to: readUsDate(args.endDate, 'endDate'),
        esiid: wireText(args.esiid)?.trim() || undefined, requestId: wireText(args.requestId)?.trim() || undefined,
        category: optionalEnum(args.eventCategory, 'eventCategory', EVENT_CATEGORIES),
      });
      return { trans_id: args.trans_id, ...(entries.length > 0 ? { entry: entries.map(wireEntry) } : {}) };
    }),
  };
}

/** CancelTextMessage and CancelLoadControlEvent: the cancelled message's request id, and the cancellation's own. */
function cancellationAnswer(transId: string, sent: SentMessage) {
  return { trans_id: transId, requestId: sent.cancelledRequestIds[0]!, messageCancellationId: sent.cancellationId!, esiidsDispatched: String(sent.dispatched) };
}

function dispatchSummary(sent: SentMessage) {
  return { esiidsDispatched: String(sent.dispatched), ...(sent.withoutDevice.length > 0 ? { esiidWithoutDevice: sent.withoutDevice } : {}) };
}

function required(value: unknown, field: string): string {
  const text = wireText(value);
  if (text === undefined || text.trim() === '') throw new SmtError('HAN_FIELD_INVALID', `${field} is missing`);
  return text;
}

/** Key order is element order. */
function wireEntry(e: HanMessageLogEntry) {
  const optional = <K extends string>(key: K, value: string | null) => (value === null ? {} : { [key]: value } as Record<K, string>);
  return {
    TDSPDUNSNumber: e.TDSPDUNSNumber, MessageDate: e.MessageDate, RequestID: e.RequestID, ...optional('MessageCancellationID', e.MessageCancellationID),
    MessageStatusID: String(e.MessageStatusID), ESIID: e.ESIID, ...optional('MeterSerialNumber', e.MeterSerialNumber), ...optional('DeviceMACAddr', e.DeviceMACAddr),
    EventCategoryID: e.EventCategoryID as never, StatusCode: e.StatusCode as never, ...optional('StatusDesc', e.StatusDesc), StatusTimestamp: e.StatusTimestamp,
  };
}
