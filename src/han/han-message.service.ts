import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import { lockRow } from '../db/bulk-sql';
import type { Logger } from '../core/logger';
import type { EventCategory } from '../db/entities/han-message.entity';
import type { RegistryService } from '../registry/registry.service';
import { hanMessageStore, type MessageRecord, type StatusLine } from './han-message.store';
import { planTargets, type MessageTarget } from './message-targets';
import { enqueueDispatches } from './tdsp-dispatch';

/** The TdspHan operation each category is delivered with. */
export const DELIVERY_OPERATIONS: Record<EventCategory, string> = {
  STM: 'DeliverTextMessage', CSM: 'CancelTextMessage', LCE: 'DeliverLoadControlEvent',
  CLE: 'CancelLoadControlEvent', CAL: 'CancelAllLoadControlEvents', PRM: 'DeliverPriceMessage',
};

/** A message ready to go: what it is, where, and the structured fields and SE 1.0 payload the TDSP receives. */
export interface OutgoingMessage {
  category: EventCategory;
  repDuns: string;
  esiids: readonly string[];
  onlyMacs?: ReadonlySet<string>;
  eventId: number | null;
  cancelsRequestId?: string | null;
  mandatory?: boolean;
  startsAt: Date;
  endsAt: Date | null;
  /** The TDSP message's own fields, in contract order, after the common head. */
  fields: Record<string, unknown>;
  payload: Buffer;
}

export interface SentMessage {
  requestId: string;
  cancellationId: string | null;
  eventId: number | null;
  dispatched: number;
  withoutDevice: string[];
}

const CANCELLATIONS: ReadonlySet<EventCategory> = new Set(['CLE', 'CAL', 'CSM']);

/**
 * Accepts a REP's HAN message: checks where it may go, records it with an RQA line per ESI ID it
 * goes to (and an FLR line per ESI ID without a device to receive it), and queues one dispatch per
 * ESI ID to its TDSP — all in one transaction. Answers at once.
 */
export class HanMessageService {
  constructor(
    private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly logger: Logger,
    private readonly options: { onDispatch?: () => void; now?: () => Date } = {},
  ) {}

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The REP DUNS the caller acts for: one of its own, of a REP. */
  async repActingFor(duns: string, participantId: number): Promise<string> {
    const rep = await this.registry.actingFor(duns, participantId);
    if (rep.kind !== 'REP') throw new SmtError('HAN_NOT_REP_OF_RECORD', `${rep.name} is a ${rep.kind}; only REPs send HAN messages`);
    return duns;
  }

  /**
   * Runs `work` in a transaction that first writes the REP's DUNS row: it locks it, so one REP's
   * requests (event ids, cancellations) never interleave, and SQLite's transaction starts as a writer.
   * The dispatch worker is woken once the dispatches are committed.
   */
  async transaction<T>(repDuns: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (m) => {
      await lockRow(m, 'participant_duns', 'duns', repDuns);
      return work(m);
    });
    this.options.onDispatch?.();
    return result;
  }

  /** Records and queues the message in the caller's transaction (see `transaction`). */
  async send(message: OutgoingMessage, m: EntityManager): Promise<SentMessage> {
    const sent = await this.record(m, message);
    this.logger.info('han: message accepted', { requestId: sent.requestId, category: message.category, repDuns: message.repDuns, esiids: sent.dispatched, withoutDevice: sent.withoutDevice.length });
    return sent;
  }

  private async record(m: EntityManager, message: OutgoingMessage): Promise<SentMessage> {
    const now = this.now();
    const at = now.toISOString();
    const plan = await planTargets(m, message.repDuns, message.esiids, cptToday(now), message.onlyMacs);
    const requestId = randomUUID();
    const cancellationId = CANCELLATIONS.has(message.category) ? randomUUID() : null;
    const record: MessageRecord = {
      requestId, repDuns: message.repDuns, category: message.category, eventId: message.eventId, cancellationId,
      cancelsRequestId: message.cancelsRequestId ?? null, mandatory: message.mandatory ?? false,
      startsAt: message.startsAt.toISOString(), endsAt: message.endsAt?.toISOString() ?? null,
      fields: message.fields, payloadHex: message.payload.toString('hex').toUpperCase(), createdAt: at,
    };
    await hanMessageStore.insert(m, record, plan.targets);
    const messageDate = cptToday(now);
    const line = (t: { esiid: string; tdspDuns: string; meterNumber: string | null }, statusCode: string, statusDesc: string): StatusLine => ({
      requestId, repDuns: message.repDuns, tdspDuns: t.tdspDuns, messageDate, cancellationId, esiid: t.esiid,
      meterSerial: t.meterNumber, mac: null, category: message.category, statusCode, statusDesc, statusAt: at, recordedAt: at,
    });
    await hanMessageStore.addStatuses(m, [
      ...plan.targets.map((t) => line(t, 'RQA', 'request accepted and sent to the TDSP')),
      ...plan.withoutDevice.map((t) => line(t, 'FLR', 'no HAN device in Device Added status on the meter: not sent')),
    ]);
    await enqueueDispatches(m, plan.targets.map((t) => ({
      requestId, tdspDuns: t.tdspDuns, operation: DELIVERY_OPERATIONS[message.category],
      // callbackAddress holds its place in the contract's element order; the TDSP client fills it in.
      message: { requestId, target: targetOf(t), payloadHex: record.payloadHex, callbackAddress: '', ...(cancellationId ? { messageCancellationId: cancellationId } : {}), ...message.fields },
    })), now);
    return { requestId, cancellationId, eventId: message.eventId, dispatched: plan.targets.length, withoutDevice: plan.withoutDevice.map((t) => t.esiid) };
  }
}

/** A target as the TDSP contract's MessageTarget. */
export function targetOf(t: MessageTarget): { esiid: string; meterNumber: string; macAddress: string[] } {
  return { esiid: t.esiid, meterNumber: t.meterNumber, macAddress: t.macs };
}
