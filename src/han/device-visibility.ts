import { cptToday } from '../core/cpt';
import type { RepStretch } from '../registry/registry.service';
import { covers } from '../registry/rep-stretch.rules';
import { takesSlot } from './device-status';
import type { DeviceEventRecord, DeviceRecord } from './han-device.store';

/** What a REP may see of the HAN devices of an ESI ID it serves: its own REP-of-record days, nothing of earlier REPs'. */
export interface Viewer {
  ownDuns: readonly string[];
  ownStretches: readonly RepStretch[];
}

/** The events recorded (platform time, Central Prevailing Time day) on a day one of the viewer's DUNS was REP of record. */
export function visibleEvents<E extends DeviceEventRecord>(viewer: Viewer, events: readonly E[]): E[] {
  return events.filter((e) => {
    const day = cptToday(new Date(e.recordedAt));
    return viewer.ownStretches.some((s) => covers(s, day));
  });
}

/**
 * Whether the viewer may see the device at all: it is on the meter now (it takes a slot, so the REP
 * of record must know of it), or something happened to it during the viewer's days.
 */
export function deviceVisible(viewer: Viewer, device: DeviceRecord, events: readonly DeviceEventRecord[]): boolean {
  return takesSlot(device.status) || visibleEvents(viewer, events.filter((e) => e.deviceId === device.id)).length > 0;
}

/** The device as the viewer sees it: another REP's description and install code CRC stay hidden. */
export function viewOf(viewer: Viewer, device: DeviceRecord): DeviceRecord {
  if (viewer.ownDuns.includes(device.repDuns)) return device;
  return { ...device, description: null, installCodeMasked: '*'.repeat(device.installCodeMasked.length) };
}
