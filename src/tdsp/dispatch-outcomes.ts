import type { HanDeviceStatusService } from '../han/han-device-status.service';
import type { HanMessageStatusService } from '../han/han-message-status.service';
import type { DispatchEndHandler } from './dispatch.worker';

/** Who hears that a dispatch ended without delivery: the device's status for provisioning, the messaging log for messages. */
export function hanDispatchEnds(devices: HanDeviceStatusService, messages: HanMessageStatusService): (operation: string) => DispatchEndHandler {
  const device: DispatchEndHandler = (dispatches, outcome, reason) => devices.dispatchEnded(dispatches[0]!.requestId, outcome, reason);
  const message: DispatchEndHandler = (dispatches, outcome, reason) =>
    messages.dispatchEnded(dispatches[0]!.requestId, dispatches.map((d) => (d.message.target as { esiid: string }).esiid), outcome, reason);
  return (operation) => (operation === 'ProvisionDevice' || operation === 'DeprovisionDevice' ? device : message);
}
