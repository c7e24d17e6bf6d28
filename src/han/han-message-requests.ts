import type { EntityManager } from 'typeorm';
import { SmtError } from '../core/errors';
import type { EventCategory } from '../db/entities/han-message.entity';
import { hanMessageStore, type MessageRecord } from './han-message.store';
import type { HanMessageService, SentMessage } from './han-message.service';
import { checkStartTime } from './message-fields';
import {
  encodeCancelAllLoadControlEvents, encodeCancelLoadControlEvent, encodeLoadControlEvent, type LoadControlEventFields,
} from './se1/drlc.encoder';
import { encodeCancelMessage, encodeDisplayMessage, fitMessageText, type MessageControl } from './se1/messaging.encoder';
import { encodePublishPrice, type PublishPriceFields } from './se1/price.encoder';
import { toUtcTime } from './se1/utc-time';

/** How far in the past a start time may be (clocks differ, requests queue). */
export const START_GRACE_SECONDS = 300;

/** Criticality 7 emergency, 8 planned outage, 9 service disconnect: devices may not opt out. */
const MANDATORY_CRITICALITY = [7, 8, 9];

interface Addressed {
  repDuns: string;
  esiids: readonly string[];
}

export interface TextMessageInput extends Addressed, MessageControl {
  macs?: readonly string[];
  text: string;
  truncate?: boolean;
  startTime?: Date;
  durationMinutes?: number;
}

export interface LoadControlInput extends Addressed, Omit<LoadControlEventFields, 'issuerEventId'> {
  issuerEventId?: number;
}

export interface PriceInput extends Addressed, Omit<PublishPriceFields, 'issuerEventId'> {
  issuerEventId?: number;
}

export interface CancelLoadControlInput {
  repDuns: string;
  requestId?: string;
  issuerEventId?: number;
  randomizeEnd?: boolean;
  effectiveTime?: Date;
}

/**
 * The six SE 1.0 message requests of a REP: each validated against SE 1.0's ranges, encoded to its
 * ZCL payload, and sent through the message service. Cancellations refer to the REP's own earlier
 * messages and end them at the ESI IDs they reach.
 */
export class HanMessageRequests {
  constructor(private readonly messages: HanMessageService) {}

  sendText(input: TextMessageInput): Promise<SentMessage> {
    const now = this.messages.now();
    const startTime = checkStartTime(input.startTime, now, START_GRACE_SECONDS);
    const text = fitMessageText(input.text, input.truncate ?? false);
    const control: MessageControl = { transmissionMode: input.transmissionMode, importance: input.importance, confirmationRequired: input.confirmationRequired };
    return this.messages.transaction(input.repDuns, async (m) => {
      const messageId = await hanMessageStore.nextEventId(m, input.repDuns, ['STM'], 1);
      const payload = encodeDisplayMessage({ messageId, text, startTime, durationMinutes: input.durationMinutes, ...control });
      return this.messages.send({
        category: 'STM', repDuns: input.repDuns, esiids: input.esiids, onlyMacs: input.macs && input.macs.length > 0 ? new Set(input.macs) : undefined,
        eventId: messageId, ...span(startTime ?? now, input.durationMinutes), payload,
        fields: {
          messageId, text, startTime, durationMinutes: input.durationMinutes, importance: control.importance ?? 'LOW',
          confirmationRequired: control.confirmationRequired ?? false, transmissionMode: control.transmissionMode ?? 'NORMAL',
        },
      }, m);
    });
  }

  cancelText(input: { repDuns: string; requestId: string }): Promise<SentMessage> {
    return this.messages.transaction(input.repDuns, async (m) => {
      const original = await this.findOwn(m, input.repDuns, 'STM', input.requestId);
      const esiids = await this.openTargetsOf(m, original);
      const control = original.fields as MessageControl;
      return this.messages.send({
        category: 'CSM', repDuns: input.repDuns, esiids: esiids.esiids, onlyMacs: esiids.macs, eventId: original.eventId, cancelsRequestId: original.requestId,
        ends: { requestIds: [original.requestId] }, startsAt: this.messages.now(), endsAt: null, payload: encodeCancelMessage({ messageId: original.eventId!, ...control }),
        fields: { messageId: original.eventId },
      }, m);
    });
  }

  sendLoadControl(input: LoadControlInput): Promise<SentMessage> {
    const now = this.messages.now();
    const startTime = checkStartTime(input.startTime, now, START_GRACE_SECONDS);
    return this.messages.transaction(input.repDuns, async (m) => {
      const issuerEventId = await this.eventId(m, input.repDuns, 'LCE', input.issuerEventId, now);
      const fields: LoadControlEventFields = { ...withoutAddress(input), issuerEventId, startTime };
      const payload = encodeLoadControlEvent(fields);
      const mandatory = MANDATORY_CRITICALITY.includes(input.criticality);
      return this.messages.send({
        category: 'LCE', repDuns: input.repDuns, esiids: input.esiids, eventId: issuerEventId, mandatory, ...span(startTime ?? now, input.durationMinutes), payload,
        fields: {
          issuerEventId, deviceClass: fields.deviceClass, utilityEnrollmentGroup: fields.utilityEnrollmentGroup, startTime, durationMinutes: fields.durationMinutes,
          criticality: fields.criticality, coolingTemperatureOffset: fields.coolingTemperatureOffset, heatingTemperatureOffset: fields.heatingTemperatureOffset,
          coolingTemperatureSetPoint: fields.coolingTemperatureSetPoint, heatingTemperatureSetPoint: fields.heatingTemperatureSetPoint,
          averageLoadAdjustmentPercentage: fields.averageLoadAdjustmentPercentage, dutyCycle: fields.dutyCycle,
          randomizeStart: fields.randomizeStart ?? false, randomizeEnd: fields.randomizeEnd ?? false, mandatory,
        },
      }, m);
    });
  }

  cancelLoadControl(input: CancelLoadControlInput): Promise<SentMessage> {
    if ((input.requestId === undefined) === (input.issuerEventId === undefined)) {
      throw new SmtError('HAN_FIELD_INVALID', 'give the event to cancel by requestId or by issuerEventId (one of them)');
    }
    const effectiveTime = checkStartTime(input.effectiveTime, this.messages.now(), START_GRACE_SECONDS, 'effectiveTime');
    return this.messages.transaction(input.repDuns, async (m) => {
      const original = await this.findOwn(m, input.repDuns, 'LCE', input.requestId, input.issuerEventId);
      const esiids = await this.openTargetsOf(m, original);
      const { deviceClass, utilityEnrollmentGroup } = original.fields as { deviceClass: number; utilityEnrollmentGroup: number };
      const randomizeEnd = input.randomizeEnd ?? false;
      const payload = encodeCancelLoadControlEvent({ issuerEventId: original.eventId!, deviceClass, utilityEnrollmentGroup, randomizeEnd, effectiveTime });
      return this.messages.send({
        category: 'CLE', repDuns: input.repDuns, esiids: esiids.esiids, onlyMacs: esiids.macs, eventId: original.eventId, cancelsRequestId: original.requestId,
        ends: { requestIds: [original.requestId] }, startsAt: effectiveTime ?? this.messages.now(), endsAt: null, payload,
        fields: { issuerEventId: original.eventId, deviceClass, utilityEnrollmentGroup, randomizeEnd, effectiveTime },
      }, m);
    });
  }

  cancelAllLoadControl(input: Addressed & { randomizeEnd?: boolean }): Promise<SentMessage> {
    const randomizeEnd = input.randomizeEnd ?? false;
    return this.messages.transaction(input.repDuns, (m) => this.messages.send({
      category: 'CAL', repDuns: input.repDuns, esiids: input.esiids, eventId: null, startsAt: this.messages.now(), endsAt: null,
      ends: { repDuns: input.repDuns, categories: ['LCE'] }, payload: encodeCancelAllLoadControlEvents({ randomizeEnd }), fields: { randomizeEnd },
    }, m));
  }

  sendPrice(input: PriceInput): Promise<SentMessage> {
    const now = this.messages.now();
    const startTime = checkStartTime(input.startTime, now, START_GRACE_SECONDS);
    return this.messages.transaction(input.repDuns, async (m) => {
      const issuerEventId = await this.eventId(m, input.repDuns, 'PRM', input.issuerEventId, now);
      const fields: PublishPriceFields = { ...withoutAddress(input), issuerEventId, startTime };
      const payload = encodePublishPrice(fields, now);
      return this.messages.send({
        category: 'PRM', repDuns: input.repDuns, esiids: input.esiids, eventId: issuerEventId, ...span(startTime ?? now, input.durationMinutes), payload,
        fields: {
          providerId: fields.providerId, rateLabel: fields.rateLabel, issuerEventId, unitOfMeasure: fields.unitOfMeasure, currency: fields.currency,
          trailingDigits: fields.trailingDigits, priceTier: fields.priceTier, numberOfPriceTiers: fields.numberOfPriceTiers, startTime,
          durationMinutes: fields.durationMinutes, price: fields.price, priceRatio: fields.priceRatio, generationPrice: fields.generationPrice,
        },
      }, m);
    });
  }

  /** A given event id must be new for the REP; otherwise the next one is assigned (never below the current UTCTime, so later events win overlaps). */
  private async eventId(m: EntityManager, repDuns: string, category: EventCategory, given: number | undefined, now: Date): Promise<number> {
    if (given === undefined) return hanMessageStore.nextEventId(m, repDuns, [category], toUtcTime(now));
    const used = await hanMessageStore.messageByEvent(m, repDuns, category, given);
    if (used) throw new SmtError('HAN_FIELD_INVALID', `issuerEventId ${given} was already used by request ${used.requestId} (${used.createdAt}); leave it out to have one assigned`);
    return given;
  }

  private async findOwn(m: EntityManager, repDuns: string, category: EventCategory, requestId?: string, eventId?: number): Promise<MessageRecord> {
    const found = requestId !== undefined ? await hanMessageStore.message(m, requestId) : await hanMessageStore.messageByEvent(m, repDuns, category, eventId!);
    const what = requestId !== undefined ? `request ${requestId}` : `issuerEventId ${eventId}`;
    if (!found || found.repDuns !== repDuns || found.category !== category) {
      throw new SmtError('HAN_EVENT_UNKNOWN', `${what} is not a ${category === 'LCE' ? 'load control event' : 'text message'} DUNS ${repDuns} sent`);
    }
    if (found.endsAt !== null && found.endsAt <= this.messages.now().toISOString()) {
      throw new SmtError('HAN_EVENT_FINISHED', `${what} ended at ${found.endsAt}; there is nothing to cancel`);
    }
    return found;
  }

  private async openTargetsOf(m: EntityManager, original: MessageRecord): Promise<{ esiids: string[]; macs: Set<string> }> {
    const open = await hanMessageStore.openTargets(m, original.requestId);
    if (open.length === 0) throw new SmtError('HAN_EVENT_FINISHED', `request ${original.requestId} was already cancelled at every ESI ID it went to`);
    return { esiids: open.map((t) => t.esiid), macs: new Set(open.flatMap((t) => t.macs)) };
  }
}

function span(start: Date, durationMinutes: number | undefined): { startsAt: Date; endsAt: Date | null } {
  return { startsAt: start, endsAt: durationMinutes === undefined ? null : new Date(start.getTime() + durationMinutes * 60_000) };
}

function withoutAddress<T extends Addressed>(input: T): Omit<T, 'repDuns' | 'esiids'> {
  const { repDuns: _r, esiids: _e, ...rest } = input;
  return rest;
}
