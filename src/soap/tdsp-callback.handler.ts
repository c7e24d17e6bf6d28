import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { HanDeviceStatusService } from '../han/han-device-status.service';
import { optionalDateTime } from '../han/message-fields';
import { authenticatedCaller } from './client-identity';
import type { TdspCallbackMethods } from './tdsp-han.types';
import { soapOperation } from './soap-operation';

export type DeviceCallbackMethods = Pick<TdspCallbackMethods, 'ReportDeviceStatus'>;

/** The callback TDSPs call with device statuses; the TDSP is the one the TLS certificate identified. */
export function deviceCallbackMethods(statuses: HanDeviceStatusService, logger: Logger): DeviceCallbackMethods {
  return {
    ReportDeviceStatus: soapOperation(logger, 'ReportDeviceStatus', async (args, req) => {
      const outcome = await statuses.report(authenticatedCaller(req), {
        requestId: String(args.requestId ?? ''), esiid: args.esiid, macAddress: args.macAddress, status: args.deviceStatus,
        statusAt: wireTime(args.statusTime, 'statusTime'), reason: args.reason,
      });
      return { requestId: args.requestId, recorded: String(outcome.recorded), applied: String(outcome.applied) };
    }),
  };
}

/** A required xs:dateTime with its zone. */
function wireTime(value: unknown, field: string): Date {
  const at = optionalDateTime(value, field);
  if (at === undefined) throw new SmtError('HAN_FIELD_INVALID', `${field} is missing; send an xs:dateTime with a zone, e.g. 2026-11-27T14:00:00Z`);
  return at;
}
