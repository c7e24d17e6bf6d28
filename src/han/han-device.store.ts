import type { EntityManager } from 'typeorm';
import { HanDeviceEvent, type HanEventSource, type HanRequestChannel } from '../db/entities/han-device-event.entity';
import { HanDevice } from '../db/entities/han-device.entity';
import type { DeviceStatus } from './device-status';

/** A device as the HAN services see it (no ORM types beyond this file). */
export interface DeviceRecord {
  id: number;
  esiid: string;
  mac: string;
  repDuns: string;
  meterNumber: string;
  installCodeMasked: string;
  description: string | null;
  status: DeviceStatus;
  statusAt: string;
  addRequestId: string | null;
  removeRequestId: string | null;
}

export interface DeviceEventRecord {
  deviceId: number;
  requestId: string | null;
  status: DeviceStatus;
  statusAt: string;
  recordedAt: string;
  source: HanEventSource;
  applied: boolean;
  reason: string | null;
  /** The channel of a request's acknowledgement (SOAP or a portal user's kind); null otherwise. */
  requestChannel?: HanRequestChannel | null;
}

export type NewDeviceEvent = Omit<DeviceEventRecord, 'deviceId'>;

/** Reads and writes devices and their history through the manager it is given (inside or outside a transaction). */
export const hanDeviceStore = {
  async devicesOf(m: EntityManager, esiid: string): Promise<DeviceRecord[]> {
    return (await m.find(HanDevice, { where: { esiid }, order: { id: 'ASC' } })).map(toDevice);
  },

  async device(m: EntityManager, esiid: string, mac: string): Promise<DeviceRecord | null> {
    const row = await m.findOneBy(HanDevice, { esiid, mac });
    return row ? toDevice(row) : null;
  },

  async deviceById(m: EntityManager, id: number): Promise<DeviceRecord | null> {
    const row = await m.findOneBy(HanDevice, { id });
    return row ? toDevice(row) : null;
  },

  /** The device and the status a REP's request id started (Add or Remove Acknowledged). */
  async requestOf(m: EntityManager, requestId: string): Promise<{ deviceId: number; status: DeviceStatus } | null> {
    const row = await m.findOne(HanDeviceEvent, { where: { requestId, source: 'REP' }, order: { id: 'ASC' } });
    return row ? { deviceId: row.deviceId, status: row.status as DeviceStatus } : null;
  },

  /** Inserts the device, or rewrites the row of a device that left and comes back; returns its id. */
  async save(m: EntityManager, device: Omit<DeviceRecord, 'id'> & { id?: number }, now: Date): Promise<number> {
    const values = { ...device, updatedAt: now.toISOString() };
    if (device.id !== undefined) {
      await m.update(HanDevice, { id: device.id }, values);
      return device.id;
    }
    const inserted = await m.insert(HanDevice, values);
    return Number(inserted.identifiers[0]!.id);
  },

  async setStatus(m: EntityManager, deviceId: number, status: DeviceStatus, statusAt: string, now: Date): Promise<void> {
    await m.update(HanDevice, { id: deviceId }, { status, statusAt, updatedAt: now.toISOString() });
  },

  async addEvents(m: EntityManager, deviceId: number, events: NewDeviceEvent[]): Promise<void> {
    for (const e of events) await m.insert(HanDeviceEvent, { ...e, deviceId, applied: e.applied ? 1 : 0 });
  },

  /** The history of the given devices, oldest first. */
  async eventsOf(m: EntityManager, deviceIds: number[]): Promise<DeviceEventRecord[]> {
    if (deviceIds.length === 0) return [];
    const rows = await m.createQueryBuilder(HanDeviceEvent, 'e').where('e.deviceId IN (:...ids)', { ids: deviceIds }).orderBy('e.id', 'ASC').getMany();
    return rows.map((r) => ({
      deviceId: r.deviceId, requestId: r.requestId, status: r.status as DeviceStatus, statusAt: r.statusAt, recordedAt: r.recordedAt,
      source: r.source, applied: r.applied === 1, reason: r.reason, requestChannel: r.requestChannel ?? null,
    }));
  },
};

function toDevice(row: HanDevice): DeviceRecord {
  return {
    id: row.id, esiid: row.esiid, mac: row.mac, repDuns: row.repDuns, meterNumber: row.meterNumber, installCodeMasked: row.installCodeMasked,
    description: row.description, status: row.status as DeviceStatus, statusAt: row.statusAt, addRequestId: row.addRequestId, removeRequestId: row.removeRequestId,
  };
}
