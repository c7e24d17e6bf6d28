import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { lockRow } from '../db/bulk-sql';
import { Esiid } from '../db/entities/esiid.entity';
import type { HanRequestChannel } from '../db/entities/han-device-event.entity';
import { MAX_DEVICES_PER_ESIID, REMOVABLE, takesSlot, type DeviceStatus } from './device-status';
import { deviceVisible, viewOf, visibleEvents } from './device-visibility';
import type { HanAccess, RepOnEsiid } from './han-access';
import { hanDeviceStore, type DeviceEventRecord, type DeviceRecord } from './han-device.store';
import { parseInstallCode, maskInstallCode } from './install-code';
import { parseMacAddress } from './mac-address';
import { hanCapability, type HanCapability } from './meter-capability';
import { enqueueDispatches } from './tdsp-dispatch';

export interface ProvisionInput {
  requesterDuns: string;
  esiid: string;
  meterNumber: string;
  macAddress: string;
  installCode: string;
  description?: string | null;
}

export interface DeviceRequestResult {
  requestId: string;
  mac: string;
  status: DeviceStatus;
}

export interface DeviceView extends DeviceRecord {
  history: DeviceEventRecord[];
}

export type HistoryEntry = DeviceEventRecord & { mac: string };

export interface MeterInfo {
  esiid: string;
  meterNumber: string | null;
  tdspDuns: string;
  tdspName: string;
  meterHardwareVersion: string | null;
  meterFirmwareVersion: string | null;
  hanCapable: HanCapability;
  hanCapabilityReason: string;
}

const MAX_DESCRIPTION = 60;

/**
 * What a REP does with HAN devices: provision and deprovision one device at a time (answered at once;
 * the TDSP is called through the outbox), and read a device's details or an ESI ID's history.
 */
export class HanDeviceService {
  constructor(
    private readonly db: DataSource,
    private readonly access: HanAccess,
    private readonly logger: Logger,
    private readonly options: { onDispatch?: () => void; now?: () => Date } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async provision(input: ProvisionInput, participantId: number): Promise<DeviceRequestResult> {
    checkFields(input);
    return this.provisionOn(await this.access.repOfRecord(input.requesterDuns, participantId, input.esiid), input, 'SOAP');
  }

  /**
   * Provisioning on an ESI ID already resolved for the caller (a REP's SOAP call, or a portal user
   * through han-portal-access.ts): the same rules, slots and TDSP outbox whatever the channel.
   */
  async provisionOn(on: RepOnEsiid, input: Omit<ProvisionInput, 'requesterDuns' | 'esiid'>, channel: HanRequestChannel): Promise<DeviceRequestResult> {
    const { mac, code, description } = checkFields(input);
    const { repDuns, esiid, tdsp } = on;
    const meterNumber = String(input.meterNumber ?? '').trim();
    const requestId = randomUUID();
    const now = this.now();
    await this.db.transaction(async (m) => {
      // Locked, so two requests cannot both take its last slot; the meter is read under the lock, so a
      // meter exchange recorded meanwhile is seen.
      await lockRow(m, 'esiid', 'esiid', esiid.esiid);
      checkMeter(esiid.esiid, meterNumber, (await m.findOneBy(Esiid, { esiid: esiid.esiid }))?.meterNumber ?? null);
      const devices = await hanDeviceStore.devicesOf(m, esiid.esiid);
      const existing = devices.find((d) => d.mac === mac);
      if (existing && takesSlot(existing.status)) {
        throw new SmtError('HAN_DEVICE_DUPLICATE', `device ${mac} is already on ESI ID ${esiid.esiid} (${existing.status}); deprovision it first to add it again`);
      }
      const used = devices.filter((d) => takesSlot(d.status)).length;
      if (used >= MAX_DEVICES_PER_ESIID) {
        throw new SmtError('HAN_DEVICE_LIMIT', `ESI ID ${esiid.esiid} already has ${used} HAN devices, the most allowed; deprovision one first`);
      }
      const at = now.toISOString();
      const deviceId = await hanDeviceStore.save(m, {
        id: existing?.id, esiid: esiid.esiid, mac, repDuns, meterNumber, installCodeMasked: maskInstallCode(code.hex), description,
        status: 'Add Acknowledged', statusAt: at, addRequestId: requestId, removeRequestId: null,
      }, now);
      await hanDeviceStore.addEvents(m, deviceId, [{ requestId, status: 'Add Acknowledged', statusAt: at, recordedAt: at, source: 'REP', applied: true, reason: null, requestChannel: channel }]);
      await enqueueDispatches(m, [{
        requestId, tdspDuns: esiid.tdspDuns, operation: 'ProvisionDevice',
        message: {
          requestId, esiid: esiid.esiid, meterNumber, ...(esiid.meterFirmwareVersion ? { meterFirmwareVersion: esiid.meterFirmwareVersion } : {}),
          macAddress: mac, installCode: code.hex, ...(description ? { deviceDescription: description } : {}),
        },
      }], now);
    });
    this.options.onDispatch?.();
    this.logger.info('han: provisioning accepted', { requestId, esiid: esiid.esiid, mac, repDuns, tdsp: tdsp.name, channel });
    return { requestId, mac, status: 'Add Acknowledged' };
  }

  async deprovision(input: { requesterDuns: string; esiid: string; macAddress: string }, participantId: number): Promise<DeviceRequestResult> {
    parseMacAddress(input.macAddress);
    return this.deprovisionOn(await this.access.repOfRecord(input.requesterDuns, participantId, input.esiid), input.macAddress, 'SOAP');
  }

  async deprovisionOn(viewer: RepOnEsiid, macAddress: string, channel: HanRequestChannel): Promise<DeviceRequestResult> {
    const mac = parseMacAddress(macAddress);
    const { repDuns, esiid } = viewer;
    const requestId = randomUUID();
    const now = this.now();
    await this.db.transaction(async (m) => {
      await lockRow(m, 'esiid', 'esiid', esiid.esiid);
      const device = await hanDeviceStore.device(m, esiid.esiid, mac);
      if (!device || !deviceVisible(viewer, device, await hanDeviceStore.eventsOf(m, [device.id]))) throw notFound(mac, esiid.esiid);
      if (!REMOVABLE.has(device.status)) {
        throw new SmtError('HAN_DEVICE_STATE', `device ${mac} is ${device.status}; only a device that is added or being added can be deprovisioned`);
      }
      const at = now.toISOString();
      await hanDeviceStore.save(m, { ...device, status: 'Remove Acknowledged', statusAt: at, removeRequestId: requestId }, now);
      await hanDeviceStore.addEvents(m, device.id, [{ requestId, status: 'Remove Acknowledged', statusAt: at, recordedAt: at, source: 'REP', applied: true, reason: null, requestChannel: channel }]);
      await enqueueDispatches(m, [{
        requestId, tdspDuns: esiid.tdspDuns, operation: 'DeprovisionDevice',
        message: { requestId, esiid: esiid.esiid, meterNumber: device.meterNumber, macAddress: mac },
      }], now);
    });
    this.options.onDispatch?.();
    this.logger.info('han: deprovisioning accepted', { requestId, esiid: esiid.esiid, mac, repDuns, channel });
    return { requestId, mac, status: 'Remove Acknowledged' };
  }

  async details(input: { requesterDuns: string; esiid: string; macAddress: string }, participantId: number): Promise<DeviceView> {
    parseMacAddress(input.macAddress);
    return this.detailsOn(await this.access.repOfRecord(input.requesterDuns, participantId, input.esiid), input.macAddress);
  }

  async detailsOn(viewer: RepOnEsiid, macAddress: string): Promise<DeviceView> {
    const mac = parseMacAddress(macAddress);
    const device = await hanDeviceStore.device(this.db.manager, viewer.esiid.esiid, mac);
    const events = device ? await hanDeviceStore.eventsOf(this.db.manager, [device.id]) : [];
    if (!device || !deviceVisible(viewer, device, events)) throw notFound(mac, viewer.esiid.esiid);
    return { ...viewOf(viewer, device), history: visibleEvents(viewer, events) };
  }

  /** Every device's history on the ESI ID during the caller's REP-of-record days, merged in the order it was recorded. */
  async history(input: { requesterDuns: string; esiid: string }, participantId: number): Promise<{ esiid: string; entries: HistoryEntry[] }> {
    return this.historyOn(await this.access.repOfRecord(input.requesterDuns, participantId, input.esiid));
  }

  /** The ESI ID's devices the viewer may see (on the meter now, or touched during its days), oldest first. */
  async devicesOn(viewer: RepOnEsiid): Promise<DeviceRecord[]> {
    const devices = await hanDeviceStore.devicesOf(this.db.manager, viewer.esiid.esiid);
    const events = await hanDeviceStore.eventsOf(this.db.manager, devices.map((d) => d.id));
    return devices.filter((d) => deviceVisible(viewer, d, events)).map((d) => viewOf(viewer, d));
  }

  async historyOn(viewer: RepOnEsiid): Promise<{ esiid: string; entries: HistoryEntry[] }> {
    const devices = await hanDeviceStore.devicesOf(this.db.manager, viewer.esiid.esiid);
    const macs = new Map(devices.map((d) => [d.id, d.mac]));
    const events = visibleEvents(viewer, await hanDeviceStore.eventsOf(this.db.manager, devices.map((d) => d.id)));
    return { esiid: viewer.esiid.esiid, entries: events.map((e) => ({ ...e, mac: macs.get(e.deviceId)! })) };
  }

  async meterInfo(input: { requesterDuns: string; esiid: string }, participantId: number): Promise<MeterInfo> {
    return this.meterInfoOn(await this.access.repOfRecord(input.requesterDuns, participantId, input.esiid));
  }

  meterInfoOn({ esiid, tdsp }: RepOnEsiid): MeterInfo {
    const capability = hanCapability(esiid.meterFirmwareVersion, tdsp.hanMinFirmware);
    return {
      esiid: esiid.esiid, meterNumber: esiid.meterNumber, tdspDuns: esiid.tdspDuns, tdspName: tdsp.name,
      meterHardwareVersion: esiid.meterHardwareVersion, meterFirmwareVersion: esiid.meterFirmwareVersion,
      hanCapable: capability.capable, hanCapabilityReason: capability.reason,
    };
  }
}

/** The request's own fields, checked before anything is looked up. */
function checkFields(input: Pick<ProvisionInput, 'macAddress' | 'installCode' | 'description'>) {
  const mac = parseMacAddress(input.macAddress);
  const code = parseInstallCode(input.installCode);
  const description = input.description?.trim() || null;
  if (description !== null && description.length > MAX_DESCRIPTION) {
    throw new SmtError('HAN_FIELD_INVALID', `deviceDescription is ${description.length} characters long; at most ${MAX_DESCRIPTION} are allowed`);
  }
  return { mac, code, description };
}

/** A device the caller may not see is answered like one never provisioned. */
function notFound(mac: string, esiid: string): SmtError {
  return new SmtError('HAN_DEVICE_NOT_FOUND', `device ${mac} was never provisioned on ESI ID ${esiid} during your days as its REP of record`);
}

function checkMeter(esiid: string, given: string, registered: string | null): void {
  if (registered !== null && given === registered) return;
  throw new SmtError('HAN_METER_MISMATCH', registered === null
    ? `ESI ID ${esiid} has no meter registered yet; HAN devices can be provisioned once its TDSP reports the meter`
    : `meter number "${given.slice(0, 40)}" is not the meter of ESI ID ${esiid} (${registered}); ask GetMeterInfo for it`);
}
