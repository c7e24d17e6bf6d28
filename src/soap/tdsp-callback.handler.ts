import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { HanDeviceStatusService } from '../han/han-device-status.service';
import type { HanMessageStatusService } from '../han/han-message-status.service';
import { optionalDateTime } from '../han/message-fields';
import { asArray, wireText } from './contract';
import { authenticatedCaller } from './client-identity';
import type { TdspCallbackMethods } from './tdsp-han.types';
import { soapOperation } from './soap-operation';

/** The callback TDSPs call with device and message statuses; the TDSP is the one the TLS certificate identified. */
export function tdspCallbackMethods(devices: HanDeviceStatusService, messages: HanMessageStatusService, logger: Logger): TdspCallbackMethods {
  return {
    ReportDeviceStatus: soapOperation(logger, 'ReportDeviceStatus', async (args, req) => {
      const outcome = await devices.report(authenticatedCaller(req), {
        requestId: String(args.requestId ?? ''), esiid: args.esiid, macAddress: args.macAddress, status: args.deviceStatus,
        statusAt: wireTime(args.statusTime, 'statusTime'), reason: args.reason,
      });
      return { requestId: args.requestId, recorded: String(outcome.recorded), applied: String(outcome.applied) };
    }),

    ReportMessageStatus: soapOperation(logger, 'ReportMessageStatus', async (args, req) => {
      const statuses = asArray(args.status).map((s, i) => {
        if (!s) throw new SmtError('HAN_FIELD_INVALID', `status ${i + 1} is empty`);
        return {
          esiid: String(s.esiid ?? ''), meterSerialNumber: String(s.meterSerialNumber ?? ''), macAddress: wireText(s.macAddress),
          statusCode: String(s.statusCode ?? ''), statusDescription: wireText(s.statusDescription), statusTime: wireTime(s.statusTime, `status ${i + 1} statusTime`),
        };
      });
      const recorded = await messages.report(authenticatedCaller(req), String(args.requestId ?? ''), statuses);
      return { requestId: args.requestId, recorded: String(recorded) };
    }),
  };
}

/** A required xs:dateTime with its zone. */
function wireTime(value: unknown, field: string): Date {
  const at = optionalDateTime(value, field);
  if (at === undefined) throw new SmtError('HAN_FIELD_INVALID', `${field} is missing; send an xs:dateTime with a zone, e.g. 2026-11-27T14:00:00Z`);
  return at;
}
