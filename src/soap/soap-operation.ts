import type { Logger } from '../core/logger';
import { toSoapFault } from './fault-table';

/**
 * Wraps a service method for node-soap: the request arrives as `(args, callback, headers, req)`; any
 * error leaves as a SOAP fault from the one fault table carrying the caller's trans_id, and an
 * unexpected one is logged in full under the correlation id the fault carries.
 */
export function soapOperation<A extends { trans_id?: string } | object, R>(logger: Logger, name: string, work: (args: A, req: unknown) => Promise<R>) {
  return async (args: A, _callback?: unknown, _headers?: unknown, req?: unknown): Promise<R> => {
    try {
      return await work(args, req);
    } catch (error) {
      const transId = (args as { trans_id?: unknown } | undefined)?.trans_id;
      const fault = toSoapFault(error, { transId: typeof transId === 'string' ? transId : undefined });
      if (fault.correlationId) logger.error('soap: operation failed', { operation: name, correlationId: fault.correlationId, error: (error as Error).message, stack: (error as Error).stack });
      throw fault;
    }
  };
}
