import type { DataSource, EntityManager } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { lockRow } from '../db/bulk-sql';
import type { HanEventSource } from '../db/entities/han-device-event.entity';
import type { MeterExchange } from '../registry/esiids-csv.importer';
import type { RegistryService } from '../registry/registry.service';
import { isDeviceStatus, judgeTransition, phaseOf, takesSlot, TDSP_REPORTED, type DeviceStatus } from './device-status';
import { hanDeviceStore, type DeviceRecord } from './han-device.store';
import { parseMacAddress } from './mac-address';

export interface DeviceStatusReport {
  requestId: string;
  esiid: string;
  macAddress: string;
  status: string;
  statusAt: Date;
  reason?: string | null;
}

/** Who reports: the TDSP the callback's client certificate identified. */
export interface Reporter {
  name: string;
  kind: 'REP' | 'TDSP';
  duns: string[];
}

export interface ReportOutcome {
  recorded: boolean;
  applied: boolean;
}

const MAX_REASON = 200;

/**
 * Moves devices through their statuses: what TDSPs report on their callback, what the dispatch
 * outbox learns (a refusal, or a TDSP that could not be reached), and meter exchanges. Every status
 * is recorded in the device's history; only those that move it forward are applied.
 */
export class HanDeviceStatusService {
  constructor(
    private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async report(tdsp: Reporter, report: DeviceStatusReport): Promise<ReportOutcome> {
    if (tdsp.kind !== 'TDSP') throw new SmtError('HAN_NOT_TDSP_METER', `${tdsp.name} is a ${tdsp.kind}; only TDSPs report device statuses`);
    const status = report.status;
    if (!isDeviceStatus(status) || !TDSP_REPORTED.has(status)) {
      throw new SmtError('HAN_STATUS_INVALID', `"${String(status).slice(0, 30)}" is not a status a TDSP reports; send one of ${[...TDSP_REPORTED].join(', ')}`);
    }
    const mac = parseMacAddress(report.macAddress);
    const esiid = await this.registry.getEsiid(String(report.esiid ?? '').trim());
    if (!esiid || !tdsp.duns.includes(esiid.tdspDuns)) {
      throw new SmtError('HAN_NOT_TDSP_METER', `ESI ID ${String(report.esiid).slice(0, 64)} is not served by ${tdsp.name}; a TDSP reports only on its own meters`);
    }
    const outcome = await this.db.transaction(async (m) => {
      const request = await hanDeviceStore.requestOf(m, report.requestId);
      const device = request ? await lockedDevice(m, request.deviceId) : null;
      if (!request || !device || device.esiid !== esiid.esiid || device.mac !== mac) {
        throw new SmtError('HAN_REQUEST_UNKNOWN', `request ${String(report.requestId).slice(0, 64)} is not a provisioning request for device ${mac} on ESI ID ${esiid.esiid}`);
      }
      if (phaseOf(request.status) !== phaseOf(status)) {
        throw new SmtError('HAN_STATUS_INVALID', `request ${report.requestId} ${phaseOf(request.status) === 'add' ? 'adds' : 'removes'} device ${mac}; "${status}" does not belong to it`);
      }
      return this.apply(m, device, status, { requestId: report.requestId, statusAt: report.statusAt, source: 'TDSP', reason: report.reason ?? null });
    });
    this.logger.info('han: device status reported', { requestId: report.requestId, esiid: esiid.esiid, mac, status, tdsp: tdsp.name, ...outcome });
    return outcome;
  }

  /** The outbox's word on a provisioning request: the TDSP refused it, or could not be reached at all. */
  async dispatchEnded(requestId: string, outcome: 'refused' | 'failed', reason: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const request = await hanDeviceStore.requestOf(m, requestId);
      if (!request) return;
      const add = phaseOf(request.status) === 'add';
      const status: DeviceStatus = outcome === 'refused' ? (add ? 'Add Rejected' : 'Remove Rejected') : (add ? 'Add Failed' : 'Remove Failed');
      const source: HanEventSource = outcome === 'refused' ? 'TDSP' : 'PLATFORM';
      const device = await lockedDevice(m, request.deviceId);
      if (device) await this.apply(m, device, status, { requestId, statusAt: this.now(), source, reason });
    });
  }

  /**
   * An AMS-to-AMS meter exchange drops the HAN devices of the old meter: each one still holding a
   * slot becomes Device Removed with the reason. Runs inside the registry import's transaction.
   */
  async meterExchanged(m: EntityManager, exchanges: MeterExchange[]): Promise<void> {
    const now = this.now();
    for (const exchange of exchanges) {
      const devices = (await hanDeviceStore.devicesOf(m, exchange.esiid)).filter((d) => d.meterNumber === exchange.oldMeter && takesSlot(d.status));
      for (const device of devices) {
        const reason = `meter ${exchange.oldMeter} was exchanged for ${exchange.newMeter}: HAN devices of the old meter are removed; provision them again on the new meter`;
        await hanDeviceStore.setStatus(m, device.id, 'Device Removed', now.toISOString(), now);
        await hanDeviceStore.addEvents(m, device.id, [{ requestId: null, status: 'Device Removed', statusAt: now.toISOString(), recordedAt: now.toISOString(), source: 'PLATFORM', applied: true, reason }]);
        this.logger.info('han: device removed by a meter exchange', { esiid: exchange.esiid, mac: device.mac, oldMeter: exchange.oldMeter, newMeter: exchange.newMeter });
      }
    }
  }

  /**
   * Records the status on the (locked) device; applies it when it moves the device forward. A status
   * of an earlier request of the device is only recorded. A contradiction is logged and refused.
   */
  private async apply(m: EntityManager, device: DeviceRecord, status: DeviceStatus, event: { requestId: string; statusAt: Date; source: HanEventSource; reason: string | null }): Promise<ReportOutcome> {
    const currentRequest = event.requestId === device.addRequestId || event.requestId === device.removeRequestId;
    const verdict = currentRequest ? judgeTransition(device.status, status) : 'stale';
    if (verdict === 'impossible') {
      this.logger.warn('han: impossible device status refused', { requestId: event.requestId, mac: device.mac, current: device.status, reported: status });
      throw new SmtError('HAN_STATUS_INVALID', `device ${device.mac} is ${device.status}; "${status}" cannot follow it`);
    }
    const applied = verdict === 'apply';
    const recordedAt = this.now().toISOString();
    const statusAt = event.statusAt.toISOString();
    if (applied) await hanDeviceStore.setStatus(m, device.id, status, statusAt, this.now());
    await hanDeviceStore.addEvents(m, device.id, [{
      requestId: event.requestId, status, statusAt, recordedAt, source: event.source, applied, reason: event.reason?.slice(0, MAX_REASON) ?? null,
    }]);
    return { recorded: true, applied };
  }
}

/** The device, read after its row is locked, so concurrent reports about it apply one after the other. */
async function lockedDevice(m: EntityManager, id: number): Promise<DeviceRecord | null> {
  await lockRow(m, 'han_device', 'id', id);
  return hanDeviceStore.deviceById(m, id);
}
