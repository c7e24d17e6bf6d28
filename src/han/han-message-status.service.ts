import type { DataSource } from 'typeorm';
import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Reporter } from './han-device-status.service';
import { hanMessageStore, type MessageRecord, type StatusLine } from './han-message.store';
import { parseMacAddress } from './mac-address';

/** The statuses a TDSP reports; RQA is the platform's own. */
export const TDSP_MESSAGE_STATUS_CODES = ['ACK', 'PEN', 'STR', 'CON', 'OPT', 'FLR'] as const;

export interface MessageStatusReport {
  esiid: string;
  meterSerialNumber: string;
  macAddress?: string | null;
  statusCode: string;
  statusDescription?: string | null;
  statusTime: Date;
}

/**
 * Writes the HAN messaging log from what TDSPs report on their callback and from what the dispatch
 * outbox learns (a refusal, or a TDSP that could not be reached: FLR for each ESI ID concerned).
 */
export class HanMessageStatusService {
  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a batch of statuses of one request; the whole batch is refused if any of it is not the TDSP's to report. */
  async report(tdsp: Reporter, requestId: string, statuses: MessageStatusReport[]): Promise<number> {
    if (tdsp.kind !== 'TDSP') throw new SmtError('HAN_NOT_TDSP_METER', `${tdsp.name} is a ${tdsp.kind}; only TDSPs report message statuses`);
    if (statuses.length === 0) throw new SmtError('HAN_FIELD_INVALID', 'status is missing; report at least one');
    const message = await hanMessageStore.message(this.db.manager, String(requestId ?? ''));
    if (!message) throw new SmtError('HAN_REQUEST_UNKNOWN', `request ${String(requestId).slice(0, 64)} is not a HAN message the platform sent`);
    const targets = await hanMessageStore.targetsOf(this.db.manager, message.requestId, statuses.map((st) => String(st.esiid ?? '').trim()));
    const recordedAt = this.now().toISOString();
    const head = this.headOf(message);
    const requestIdsAt = await hanMessageStore.loggedRequestIds(this.db.manager, message, [...targets.keys()]);
    const lines = statuses.flatMap((s, i): StatusLine[] => {
      const where = `status ${i + 1} (ESI ID ${String(s.esiid).slice(0, 64)})`;
      const target = targets.get(String(s.esiid ?? '').trim());
      if (!target) throw new SmtError('HAN_REQUEST_UNKNOWN', `${where}: request ${message.requestId} did not go to this ESI ID`);
      if (!tdsp.duns.includes(target.tdspDuns)) throw new SmtError('HAN_NOT_TDSP_METER', `${where} is not served by ${tdsp.name}; a TDSP reports only on its own meters`);
      if (!(TDSP_MESSAGE_STATUS_CODES as readonly string[]).includes(s.statusCode)) {
        throw new SmtError('HAN_STATUS_INVALID', `${where}: statusCode "${String(s.statusCode).slice(0, 10)}" is not one of ${TDSP_MESSAGE_STATUS_CODES.join(', ')}`);
      }
      const line = {
        ...head, tdspDuns: target.tdspDuns, esiid: s.esiid.trim(), recordedAt,
        meterSerial: String(s.meterSerialNumber ?? '').trim().slice(0, 40) || target.meterNumber,
        mac: s.macAddress ? parseMacAddress(s.macAddress) : null,
        statusCode: s.statusCode, statusDesc: describe(message, s), statusAt: s.statusTime.toISOString(),
      };
      return requestIdsAt(line.esiid).map((requestId) => ({ ...line, requestId }));
    });
    await this.db.transaction((m) => hanMessageStore.addStatuses(m, lines));
    this.logger.info('han: message statuses reported', { requestId: message.requestId, tdsp: tdsp.name, statuses: statuses.length, logLines: lines.length });
    // What the TDSP reported; a cancel-all files each status once per load control event it ended (more log lines).
    return statuses.length;
  }

  /** The outbox's word on message dispatches: each ESI ID concerned gets an FLR line with the reason. */
  async dispatchEnded(requestId: string, esiids: string[], outcome: 'refused' | 'failed', reason: string): Promise<void> {
    const message = await hanMessageStore.message(this.db.manager, requestId);
    if (!message) return;
    const targets = await hanMessageStore.targetsOf(this.db.manager, requestId, esiids);
    const at = this.now().toISOString();
    const head = this.headOf(message);
    const reached = esiids.filter((e) => targets.has(e));
    const requestIdsAt = await hanMessageStore.loggedRequestIds(this.db.manager, message, reached);
    const lines = reached.flatMap((esiid): StatusLine[] => requestIdsAt(esiid).map((requestId) => ({
      ...head, requestId, tdspDuns: targets.get(esiid)!.tdspDuns, esiid, recordedAt: at,
      meterSerial: targets.get(esiid)!.meterNumber, mac: null, statusCode: 'FLR', statusAt: at,
      statusDesc: outcome === 'refused' ? reason : `not delivered: ${reason}`,
    })));
    await this.db.transaction((m) => hanMessageStore.addStatuses(m, lines));
  }

  /** What every log line of the message shares (the RequestID comes from loggedRequestIds). */
  private headOf(message: MessageRecord) {
    return {
      repDuns: message.repDuns, messageDate: cptToday(new Date(message.createdAt)),
      cancellationId: message.cancellationId, category: message.category,
    };
  }
}

/** Opting out of a mandatory event is invalid: the line says so, and the event stays in force. */
function describe(message: MessageRecord, s: MessageStatusReport): string | null {
  const given = s.statusDescription ? String(s.statusDescription).trim() : '';
  if (s.statusCode === 'OPT' && message.mandatory) {
    return `invalid opt-out: the event is mandatory (criticality 7-9) and stays in force${given ? `; TDSP: ${given}` : ''}`;
  }
  return given || null;
}
