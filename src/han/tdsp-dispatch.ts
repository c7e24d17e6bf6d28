import type { EntityManager } from 'typeorm';
import { TdspDispatch } from '../db/entities/tdsp-dispatch.entity';

/** A call owed to a TDSP: a TdspHan operation and its message, less the callback address added when it is sent. */
export interface DispatchOrder {
  requestId: string;
  tdspDuns: string;
  operation: string;
  message: Record<string, unknown>;
}

/** Writes dispatches into the outbox within the caller's transaction, so a request and its dispatch commit together. */
export async function enqueueDispatches(manager: EntityManager, orders: DispatchOrder[], now: Date): Promise<void> {
  if (orders.length === 0) return;
  const at = now.toISOString();
  const rows = orders.map((o) => ({
    requestId: o.requestId, tdspDuns: o.tdspDuns, operation: o.operation, payload: JSON.stringify(o.message),
    state: 'PENDING' as const, attempts: 0, nextAttemptAt: at, claimedBy: null, claimedUntil: null, lastError: null, createdAt: at, updatedAt: at,
  }));
  // Bounded batches keep every statement under the parameter limits of SQLite and SQL Server.
  for (let i = 0; i < rows.length; i += 100) await manager.insert(TdspDispatch, rows.slice(i, i + 100));
}
