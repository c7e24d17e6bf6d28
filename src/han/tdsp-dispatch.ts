import type { EntityManager } from 'typeorm';
import { insertRows } from '../db/bulk-sql';

/** A call owed to a TDSP: a TdspHan operation and its message, less the callback address added when it is sent. */
export interface DispatchOrder {
  requestId: string;
  tdspDuns: string;
  operation: string;
  message: Record<string, unknown>;
}

const COLUMNS = ['request_id', 'tdsp_duns', 'operation', 'payload', 'state', 'attempts', 'next_attempt_at', 'created_at', 'updated_at'];

/** Writes dispatches into the outbox within the caller's transaction, so a request and its dispatches commit together. */
export async function enqueueDispatches(manager: EntityManager, orders: DispatchOrder[], now: Date): Promise<void> {
  const at = now.toISOString();
  await insertRows(manager, 'tdsp_dispatch', COLUMNS, orders.map((o) => [o.requestId, o.tdspDuns, o.operation, JSON.stringify(o.message), 'PENDING', 0, at, at, at]));
}
