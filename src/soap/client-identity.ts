import type { Request } from 'express';
import { SmtError } from '../core/errors';
import type { ClientIdentity } from '../security/credentials.service';

/** What the security layer established about a request before any service sees it. */
export interface AuthenticatedRequest {
  identity: ClientIdentity;
}

const KEY = Symbol.for('smt.authenticated');

export function setAuthenticated(req: Request, value: AuthenticatedRequest): void {
  (req as unknown as Record<symbol, AuthenticatedRequest>)[KEY] = value;
}

/** The caller of a service method; a request that skipped authentication never gets this far. */
export function authenticatedCaller(req: unknown): ClientIdentity {
  const value = (req as Record<symbol, AuthenticatedRequest> | undefined)?.[KEY];
  if (!value) throw new SmtError('INTERNAL', 'a SOAP request reached a service without authentication');
  return value.identity;
}
