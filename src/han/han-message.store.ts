import type { EntityManager } from 'typeorm';
import { chunks, insertRows, placeholders, selectWhereIn } from '../db/bulk-sql';
import { HanMessage, type EventCategory } from '../db/entities/han-message.entity';
import { HanMessageTarget } from '../db/entities/han-message-target.entity';
import type { MessageTarget } from './message-targets';

/** A message request as the messaging services see it. */
export interface MessageRecord {
  requestId: string;
  repDuns: string;
  category: EventCategory;
  eventId: number | null;
  cancellationId: string | null;
  cancelsRequestId: string | null;
  mandatory: boolean;
  startsAt: string;
  endsAt: string | null;
  fields: Record<string, unknown>;
  payloadHex: string;
  createdAt: string;
}

/** One line of the HAN messaging log, before it is stored (its id, the MessageStatusID, comes from the database). */
export interface StatusLine {
  requestId: string;
  repDuns: string;
  tdspDuns: string;
  messageDate: string;
  cancellationId: string | null;
  esiid: string;
  meterSerial: string | null;
  mac: string | null;
  category: EventCategory;
  statusCode: string;
  statusDesc: string | null;
  statusAt: string;
  recordedAt: string;
}

const STATUS_COLUMNS = ['request_id', 'rep_duns', 'tdsp_duns', 'message_date', 'cancellation_id', 'esiid', 'meter_serial', 'mac', 'category',
  'status_code', 'status_desc', 'status_at', 'recorded_at'];

/** Reads and writes messages, their targets and the messaging log through the manager it is given. */
export const hanMessageStore = {
  async insert(m: EntityManager, message: MessageRecord, targets: MessageTarget[]): Promise<void> {
    await m.insert(HanMessage, { ...message, mandatory: message.mandatory ? 1 : 0, fields: JSON.stringify(message.fields) });
    await insertRows(m, 'han_message_target', ['request_id', 'esiid', 'tdsp_duns', 'meter_number', 'macs'],
      targets.map((t) => [message.requestId, t.esiid, t.tdspDuns, t.meterNumber, t.macs.join(',')]));
  },

  async addStatuses(m: EntityManager, lines: StatusLine[]): Promise<void> {
    await insertRows(m, 'han_message_status', STATUS_COLUMNS, lines.map((l) => [
      l.requestId, l.repDuns, l.tdspDuns, l.messageDate, l.cancellationId, l.esiid, l.meterSerial, l.mac, l.category,
      l.statusCode, l.statusDesc?.slice(0, 200) ?? null, l.statusAt, l.recordedAt,
    ]));
  },

  async message(m: EntityManager, requestId: string): Promise<MessageRecord | null> {
    const row = await m.findOneBy(HanMessage, { requestId });
    return row ? toRecord(row) : null;
  },

  /** The REP's message of a category with an event id, newest first. */
  async messageByEvent(m: EntityManager, repDuns: string, category: EventCategory, eventId: number): Promise<MessageRecord | null> {
    const row = await m.findOne(HanMessage, { where: { repDuns, category, eventId }, order: { createdAt: 'DESC' } });
    return row ? toRecord(row) : null;
  },

  /** The next free event id of the REP's messages of these categories: one more than the largest used, at least `floor`. */
  async nextEventId(m: EntityManager, repDuns: string, categories: EventCategory[], floor: number): Promise<number> {
    const p = placeholders(m, categories.length + 1, 0);
    const [row] = await m.query(`SELECT MAX("event_id") AS "max" FROM "han_message" WHERE "rep_duns" = ${p[0]} AND "category" IN (${p.slice(1).join(', ')})`, [repDuns, ...categories]);
    return Math.max(floor, Number(row?.max ?? 0) + 1);
  },

  /** The ESI IDs a message went to that no cancellation has ended. */
  async openTargets(m: EntityManager, requestId: string): Promise<MessageTarget[]> {
    const rows = await m.find(HanMessageTarget, { where: { requestId }, order: { esiid: 'ASC' } });
    return rows.filter((r) => r.cancelledAt === null).map((r) => ({ esiid: r.esiid, tdspDuns: r.tdspDuns, meterNumber: r.meterNumber, macs: r.macs.split(',') }));
  },

  /** Of these ESI IDs, the ones the request went to, with their TDSP and meter (for checking a TDSP's report). */
  async targetsOf(m: EntityManager, requestId: string, esiids: string[]): Promise<Map<string, { tdspDuns: string; meterNumber: string }>> {
    const rows = await selectWhereIn<{ request_id: string; esiid: string; tdsp_duns: string; meter_number: string }>(
      m, 'SELECT "request_id", "esiid", "tdsp_duns", "meter_number" FROM "han_message_target"', 'esiid', [...new Set(esiids)]);
    return new Map(rows.filter((r) => r.request_id === requestId).map((r) => [r.esiid, { tdspDuns: r.tdsp_duns, meterNumber: r.meter_number }]));
  },

  /**
   * Ends messages at these ESI IDs on behalf of the cancellation `cancelledBy`: the given requests, or
   * every load control event of the REP's still in force there (cancel all).
   */
  async cancelTargets(m: EntityManager, scope: { requestIds: string[] } | { repDuns: string; categories: EventCategory[] }, esiids: string[], at: string, cancelledBy: string): Promise<void> {
    for (const chunk of chunks(esiids, 500)) {
      const p = placeholders(m, chunk.length + 12, 0);
      const set = `UPDATE "han_message_target" SET "cancelled_at" = ${p[0]}, "cancelled_by" = ${p[1]}`;
      const inEsiids = `"esiid" IN (${p.slice(2, chunk.length + 2).join(', ')})`;
      const after = chunk.length + 2;
      if ('requestIds' in scope) {
        for (const requestId of scope.requestIds) {
          await m.query(`${set} WHERE ${inEsiids} AND "cancelled_at" IS NULL AND "request_id" = ${p[after]}`, [at, cancelledBy, ...chunk, requestId]);
        }
      } else {
        const cats = scope.categories.map((_, i) => p[after + 2 + i]).join(', ');
        await m.query(`${set} WHERE ${inEsiids} AND "cancelled_at" IS NULL AND "request_id" IN `
          + `(SELECT "request_id" FROM "han_message" WHERE "rep_duns" = ${p[after]} AND "ends_at" > ${p[after + 1]} AND "category" IN (${cats}))`,
        [at, cancelledBy, ...chunk, scope.repDuns, at, ...scope.categories]);
      }
    }
  },

  /**
   * The RequestIDs the messaging log files a message's lines under, per ESI ID: its own request id;
   * for a cancellation, the request it cancelled (CLE, CSM) or the load control events it ended there
   * (CAL; its own request id where it found none).
   */
  async loggedRequestIds(m: EntityManager, message: MessageRecord, esiids: string[]): Promise<(esiid: string) => string[]> {
    if (message.cancelsRequestId !== null) return () => [message.cancelsRequestId!];
    if (message.category !== 'CAL') return () => [message.requestId];
    const ended = new Map<string, string[]>();
    for (const chunk of chunks([...new Set(esiids)], 500)) {
      const p = placeholders(m, chunk.length + 1, 0);
      const rows: { request_id: string; esiid: string }[] = await m.query(
        `SELECT "request_id", "esiid" FROM "han_message_target" WHERE "cancelled_by" = ${p[0]} AND "esiid" IN (${p.slice(1).join(', ')}) ORDER BY "request_id"`,
        [message.requestId, ...chunk]);
      for (const r of rows) ended.set(r.esiid, [...(ended.get(r.esiid) ?? []), r.request_id]);
    }
    return (esiid) => ended.get(esiid) ?? [message.requestId];
  },

  /** How many message requests these REP DUNS made since `since`, and the oldest of them. */
  async recentRequests(m: EntityManager, repDuns: readonly string[], since: string): Promise<{ count: number; oldest: string | null }> {
    const p = placeholders(m, repDuns.length + 1, 0);
    const [row] = await m.query(`SELECT COUNT(*) AS "n", MIN("created_at") AS "oldest" FROM "han_message" WHERE "rep_duns" IN (${p.slice(1).join(', ')}) AND "created_at" > ${p[0]}`,
      [since, ...repDuns]);
    return { count: Number(row?.n ?? 0), oldest: row?.oldest ?? null };
  },
};

function toRecord(row: HanMessage): MessageRecord {
  return {
    requestId: row.requestId, repDuns: row.repDuns, category: row.category, eventId: row.eventId === null ? null : Number(row.eventId),
    cancellationId: row.cancellationId, cancelsRequestId: row.cancelsRequestId, mandatory: row.mandatory === 1, startsAt: row.startsAt,
    endsAt: row.endsAt, fields: JSON.parse(row.fields), payloadHex: row.payloadHex, createdAt: row.createdAt,
  };
}
