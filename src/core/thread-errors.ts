import { SmtError, errorMessage, isSmtError, type ErrorCode } from './errors';

/**
 * An error as it crosses between threads: SmtError does not survive the structured clone as a
 * class, so it travels as {code, message, details} and is rebuilt on the other side with its code.
 */
export interface WireError {
  code?: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function toWireError(error: unknown): WireError {
  if (!isSmtError(error)) return { message: errorMessage(error) };
  let details: Record<string, unknown> = {};
  try {
    details = structuredClone(error.details);
  } catch {
    // Details that cannot cross threads are dropped; the code and message are what callers use.
  }
  return { code: error.code, message: error.message, details };
}

export function rebuildError(error: WireError): Error {
  return error.code ? new SmtError(error.code, error.message, error.details) : new Error(error.message);
}
