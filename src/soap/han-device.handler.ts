import type { Logger } from '../core/logger';
import type { HanDeviceService, HistoryEntry } from '../han/han-device.service';
import type { DeviceEventRecord } from '../han/han-device.store';
import { authenticatedCaller } from './client-identity';
import type { HanDeviceEvent, HanMethods } from './han.types';
import { soapOperation } from './soap-operation';

export type HanDeviceMethods = Pick<HanMethods, 'ProvisionHanDevice' | 'DeprovisionHanDevice' | 'GetHanDeviceDetails' | 'GetHanDeviceHistory' | 'GetMeterInfo'>;

/** The HAN device operations: each maps the wire message to the device service and back. */
export function hanDeviceMethods(devices: HanDeviceService, logger: Logger): HanDeviceMethods {
  const caller = (req: unknown) => authenticatedCaller(req).participantId;
  return {
    ProvisionHanDevice: soapOperation(logger, 'ProvisionHanDevice', async (args, req) => {
      const result = await devices.provision({
        requesterDuns: args.requesterAuthenticationID, esiid: args.esiid, meterNumber: args.meterNumber,
        macAddress: args.macAddress, installCode: args.installCode, description: args.deviceDescription,
      }, caller(req));
      return { trans_id: args.trans_id, requestId: result.requestId, macAddress: result.mac, deviceStatus: result.status };
    }),

    DeprovisionHanDevice: soapOperation(logger, 'DeprovisionHanDevice', async (args, req) => {
      const result = await devices.deprovision({ requesterDuns: args.requesterAuthenticationID, esiid: args.esiid, macAddress: args.macAddress }, caller(req));
      return { trans_id: args.trans_id, requestId: result.requestId, macAddress: result.mac, deviceStatus: result.status };
    }),

    GetHanDeviceDetails: soapOperation(logger, 'GetHanDeviceDetails', async (args, req) => {
      const device = await devices.details({ requesterDuns: args.requesterAuthenticationID, esiid: args.esiid, macAddress: args.macAddress }, caller(req));
      return {
        trans_id: args.trans_id,
        device: {
          macAddress: device.mac, installCode: device.installCodeMasked, ...(device.description ? { deviceDescription: device.description } : {}),
          meterNumber: device.meterNumber, deviceStatus: device.status, statusTime: device.statusAt,
          ...(device.history.length > 0 ? { history: device.history.map(wireEvent) } : {}),
        },
      };
    }),

    GetHanDeviceHistory: soapOperation(logger, 'GetHanDeviceHistory', async (args, req) => {
      const { esiid, entries } = await devices.history({ requesterDuns: args.requesterAuthenticationID, esiid: args.esiid }, caller(req));
      return { trans_id: args.trans_id, esiid, ...(entries.length > 0 ? { entry: entries.map(wireEntry) } : {}) };
    }),

    GetMeterInfo: soapOperation(logger, 'GetMeterInfo', async (args, req) => {
      const info = await devices.meterInfo({ requesterDuns: args.requesterAuthenticationID, esiid: args.esiid }, caller(req));
      return {
        trans_id: args.trans_id, esiid: info.esiid, ...(info.meterNumber ? { meterNumber: info.meterNumber } : {}),
        tdspDuns: info.tdspDuns, tdspName: info.tdspName,
        ...(info.meterHardwareVersion ? { meterHardwareVersion: info.meterHardwareVersion } : {}),
        ...(info.meterFirmwareVersion ? { meterFirmwareVersion: info.meterFirmwareVersion } : {}),
        hanCapable: info.hanCapable, hanCapabilityReason: info.hanCapabilityReason,
      };
    }),
  };
}

/** Key order is element order. */
function wireEvent(e: DeviceEventRecord): HanDeviceEvent {
  return {
    ...(e.requestId ? { requestId: e.requestId } : {}), deviceStatus: e.status, statusTime: e.statusAt, recordedTime: e.recordedAt,
    source: e.source, applied: String(e.applied), ...(e.reason ? { reason: e.reason } : {}),
  };
}

function wireEntry(e: HistoryEntry) {
  return { macAddress: e.mac, ...wireEvent(e) };
}
