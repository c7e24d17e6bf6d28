import type { DataSource } from 'typeorm';
import { addDays } from '../core/cpt';
import { SmtError } from '../core/errors';
import { HanMessageStatus } from '../db/entities/han-message-status.entity';
import { usDate } from '../usage/report-format';

/** One entry of the HAN messaging log, with the seed's element names. */
export interface HanMessageLogEntry {
  TDSPDUNSNumber: string;
  /** MM/DD/YYYY (Central Prevailing Time): the day the REP sent the message. */
  MessageDate: string;
  RequestID: string;
  MessageCancellationID: string | null;
  MessageStatusID: number;
  ESIID: string;
  MeterSerialNumber: string | null;
  DeviceMACAddr: string | null;
  EventCategoryID: string;
  StatusCode: string;
  StatusDesc: string | null;
  StatusTimestamp: string;
}

export interface MessageLogQuery {
  repDuns: string;
  /** Inclusive YYYY-MM-DD days of MessageDate. */
  from: string;
  to: string;
  esiid?: string;
  /** A RequestID or a MessageCancellationID. */
  requestId?: string;
  category?: string;
}

/** The seed's log columns, in order: the CSV header and the element order of GetHanMessageLog. */
export const LOG_COLUMNS: readonly (keyof HanMessageLogEntry)[] = [
  'TDSPDUNSNumber', 'MessageDate', 'RequestID', 'MessageCancellationID', 'MessageStatusID', 'ESIID', 'MeterSerialNumber',
  'DeviceMACAddr', 'EventCategoryID', 'StatusCode', 'StatusDesc', 'StatusTimestamp',
];

export const MAX_LOG_DAYS = 366;
export const MAX_LOG_ENTRIES = 100_000;

/** A REP's HAN messaging log: only the REP's own messages, in the order the statuses were recorded. */
export async function readMessageLog(db: DataSource, query: MessageLogQuery): Promise<HanMessageLogEntry[]> {
  if (query.to < query.from) throw new SmtError('REPORT_DATES_INVALID', `the end date ${query.to} is before the start date ${query.from}`);
  if (addDays(query.from, MAX_LOG_DAYS) <= query.to) throw new SmtError('HAN_FIELD_INVALID', `the log is read at most ${MAX_LOG_DAYS} days at a time; narrow the dates`);
  const select = db.manager.createQueryBuilder(HanMessageStatus, 's')
    .where('s.repDuns = :repDuns AND s.messageDate >= :from AND s.messageDate <= :to', query);
  if (query.esiid) select.andWhere('s.esiid = :esiid', { esiid: query.esiid });
  // A message's RequestID finds its cancellations' lines too; a MessageCancellationID finds the cancellation's.
  if (query.requestId) select.andWhere('(s.requestId = :requestId OR s.cancellationId = :requestId)', { requestId: query.requestId });
  if (query.category) select.andWhere('s.category = :category', { category: query.category });
  const rows = await select.orderBy('s.id', 'ASC').take(MAX_LOG_ENTRIES + 1).getMany();
  if (rows.length > MAX_LOG_ENTRIES) {
    throw new SmtError('HAN_FIELD_INVALID', `more than ${MAX_LOG_ENTRIES} log entries match; narrow the dates or filter by ESI ID, request or category`);
  }
  return rows.map((r) => ({
    TDSPDUNSNumber: r.tdspDuns, MessageDate: usDate(r.messageDate), RequestID: r.requestId, MessageCancellationID: r.cancellationId, MessageStatusID: r.id,
    ESIID: r.esiid, MeterSerialNumber: r.meterSerial, DeviceMACAddr: r.mac, EventCategoryID: r.category, StatusCode: r.statusCode,
    StatusDesc: r.statusDesc, StatusTimestamp: r.statusAt,
  }));
}
