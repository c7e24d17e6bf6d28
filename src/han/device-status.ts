/**
 * The HAN device status machine of the seed: what each status means, which take one of an ESI ID's
 * five slots, and how a status a TDSP reports relates to the device's current one.
 */
export const DEVICE_STATUSES = [
  'Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Add Rejected', 'Add Failed',
  'Remove Acknowledged', 'Remove Pending', 'Remove Failed', 'Remove Rejected', 'Device Removed',
] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** At most this many devices per ESI ID in slot-taking statuses. */
export const MAX_DEVICES_PER_ESIID = 5;

const SLOT_TAKING: ReadonlySet<DeviceStatus> = new Set<DeviceStatus>([
  'Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Remove Acknowledged', 'Remove Pending', 'Remove Failed',
]);

export function takesSlot(status: DeviceStatus): boolean {
  return SLOT_TAKING.has(status);
}

export function isDeviceStatus(value: unknown): value is DeviceStatus {
  return (DEVICE_STATUSES as readonly unknown[]).includes(value);
}

/** A device on the meter or on its way there: the statuses a REP may deprovision from. */
export const REMOVABLE: ReadonlySet<DeviceStatus> = new Set<DeviceStatus>(['Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Remove Failed']);

/** Statuses a TDSP reports; Add/Remove Acknowledged are set by the platform when it accepts a REP's request. */
export const TDSP_REPORTED: ReadonlySet<DeviceStatus> = new Set<DeviceStatus>([
  'Add Pending', 'Meter Ready', 'Device Added', 'Add Rejected', 'Add Failed',
  'Remove Pending', 'Remove Failed', 'Remove Rejected', 'Device Removed',
]);

type Phase = 'add' | 'remove';

/** Each status's phase and its step within it; statuses on step 3 end the phase. Remove Failed leaves the device on the meter, so the TDSP may still finish the removal. */
const STEPS: Record<DeviceStatus, { phase: Phase; step: number }> = {
  'Add Acknowledged': { phase: 'add', step: 0 },
  'Add Pending': { phase: 'add', step: 1 },
  'Meter Ready': { phase: 'add', step: 2 },
  'Device Added': { phase: 'add', step: 3 },
  'Add Rejected': { phase: 'add', step: 3 },
  'Add Failed': { phase: 'add', step: 3 },
  'Remove Acknowledged': { phase: 'remove', step: 0 },
  'Remove Pending': { phase: 'remove', step: 1 },
  'Remove Failed': { phase: 'remove', step: 2 },
  'Remove Rejected': { phase: 'remove', step: 3 },
  'Device Removed': { phase: 'remove', step: 3 },
};

export function phaseOf(status: DeviceStatus): Phase {
  return STEPS[status].phase;
}

/**
 * How a reported status relates to the current one:
 * - `apply`: it moves the device forward;
 * - `stale`: a repeat, or a step the device has already passed (out of order): recorded, not applied;
 * - `impossible`: it contradicts what happened (a removal nobody asked for, a second different outcome): refused.
 */
export type TransitionVerdict = 'apply' | 'stale' | 'impossible';

export function judgeTransition(current: DeviceStatus, reported: DeviceStatus): TransitionVerdict {
  const from = STEPS[current];
  const to = STEPS[reported];
  if (to.phase !== from.phase) return to.phase === 'add' ? 'stale' : 'impossible';
  if (reported === current || to.step < from.step) return 'stale';
  return to.step === from.step ? 'impossible' : 'apply';
}
