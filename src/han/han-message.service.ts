import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import { lockRow } from '../db/bulk-sql';
import type { Logger } from '../core/logger';
import type { EventCategory } from '../db/entities/han-message.entity';
import type { RegistryService } from '../registry/registry.service';
import { hanMessageStore, type MessageRecord, type StatusLine } from './han-message.store';
import { checkMessageRate } from './message-rate-limit';
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
  /** Cancellations: the messages they end at the ESI IDs they go to (the one named, or the REP's load control events in force there). */
  ends?: CancelScope;
  mandatory?: boolean;
  startsAt: Date;
  endsAt: Date | null;
  /** The TDSP message's own fields, in contract order, after the common head. */
  fields: Record<string, unknown>;
  payload: Buffer;
}

export type CancelScope = { requestIds: string[] } | { repDuns: string; categories: EventCategory[] };

export interface SentMessage {
  /** The request's own id; for a cancellation, the same as its cancellationId. */
  requestId: string;
  cancellationId: string | null;
  /** Cancellations: the request ids of the messages it cancelled (the RequestID of its log lines). */
  cancelledRequestIds: string[];
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
    private readonly options: { onDispatch?: () => void; now?: () => Date; messagesPerMinute?: number } = {},
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
   * Runs `work` in a transaction that first writes the REP's DUNS rows (every DUNS of the REP, in
   * order): it locks them, so one REP's requests (event ids, cancellations, its rate limit) never
   * interleave, and SQLite's transaction starts as a writer. The REP's rate limit is checked under
   * that lock. The dispatch worker is woken once the dispatches are committed.
   */
  async transaction<T>(repDuns: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    const rep = await this.registry.findParticipantByDuns(repDuns);
    const duns = [...(rep?.duns ?? [repDuns])].sort();
    const result = await this.db.transaction(async (m) => {
      for (const d of duns) await lockRow(m, 'participant_duns', 'duns', d);
      await checkMessageRate(m, { name: rep?.name ?? `DUNS ${repDuns}`, duns }, this.options.messagesPerMinute ?? 0, this.now());
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
    // A cancellation's own id is its MessageCancellationID: its log lines go under the RequestID of what it cancels.
    const cancellationId = CANCELLATIONS.has(message.category) ? requestId : null;
    const record: MessageRecord = {
      requestId, repDuns: message.repDuns, category: message.category, eventId: message.eventId, cancellationId,
      cancelsRequestId: message.cancelsRequestId ?? null, mandatory: message.mandatory ?? false,
      startsAt: message.startsAt.toISOString(), endsAt: message.endsAt?.toISOString() ?? null,
      fields: message.fields, payloadHex: message.payload.toString('hex').toUpperCase(), createdAt: at,
    };
    await hanMessageStore.insert(m, record, plan.targets);
    const reached = [...plan.targets, ...plan.withoutDevice].map((t) => t.esiid);
    if (message.ends) await hanMessageStore.cancelTargets(m, message.ends, reached, at, requestId);
    const requestIdsAt = await hanMessageStore.loggedRequestIds(m, record, reached);
    const messageDate = cptToday(now);
    const lines = (t: { esiid: string; tdspDuns: string; meterNumber: string | null }, statusCode: string, statusDesc: string): StatusLine[] => requestIdsAt(t.esiid).map((logged) => ({
      requestId: logged, repDuns: message.repDuns, tdspDuns: t.tdspDuns, messageDate, cancellationId, esiid: t.esiid,
      meterSerial: t.meterNumber, mac: null, category: message.category, statusCode, statusDesc, statusAt: at, recordedAt: at,
    }));
    await hanMessageStore.addStatuses(m, [
      ...plan.targets.flatMap((t) => lines(t, 'RQA', 'request accepted and sent to the TDSP')),
      ...plan.withoutDevice.flatMap((t) => lines(t, 'FLR', 'no HAN device in Device Added status on the meter: not sent')),
    ]);
    const cancelled = cancellationId === null ? [] : [...new Set(reached.flatMap(requestIdsAt))].filter((id) => id !== requestId);
    await enqueueDispatches(m, plan.targets.map((t) => ({
      requestId, tdspDuns: t.tdspDuns, operation: DELIVERY_OPERATIONS[message.category],
      // callbackAddress holds its place in the contract's element order; the TDSP client fills it in.
      message: { requestId, target: targetOf(t), payloadHex: record.payloadHex, callbackAddress: '', ...(cancellationId ? { messageCancellationId: cancellationId } : {}), ...message.fields },
    })), now);
    return { requestId, cancellationId, cancelledRequestIds: cancelled, eventId: message.eventId, dispatched: plan.targets.length, withoutDevice: plan.withoutDevice.map((t) => t.esiid) };
  }
}

/** A target as the TDSP contract's MessageTarget. */
export function targetOf(t: MessageTarget): { esiid: string; meterNumber: string; macAddress: string[] } {
  return { esiid: t.esiid, meterNumber: t.meterNumber, macAddress: t.macs };
}
