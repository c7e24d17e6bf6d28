import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SmtError, errorMessage, isSmtError } from '../core/errors';
import type { CallPriority } from '../core/thread-pool';
import type { Logger } from '../core/logger';
import type { ClientIdentity, CredentialsService } from '../security/credentials.service';
import { normalizeIp } from '../security/ip-address';
import type { ReplayGuard } from '../security/replay-cache';
import type { WsSecurityPool } from '../security/ws-security.pool';
import type { MarkupLimits } from '../security/xml-limits.rules';
import { countRefusal } from '../ops/platform-metrics';
import { setAuthenticated } from './client-identity';
import { faultEnvelope } from './fault-envelope';
import { toSoapFault } from './fault-table';

/** Element, attribute and namespace caps checked before parsing (defaults: DEFAULT_MARKUP_LIMITS). */
export interface MessageSecurityOptions extends Partial<MarkupLimits> {
  /** Namespace and request element names of the service's operations. */
  operations: { namespace: string; names: readonly string[] };
  maxBodyBytes: number;
  clockSkewSeconds: number;
  timestampWindowSeconds: number;
  allowSha1: boolean;
  /** `urgent` for services that carry work already under way (TDSP callbacks): their messages are checked before new requests. */
  priority?: CallPriority;
}

/** Whose signature a message must carry: the caller the TLS layer identified. */
export type MessageSigner = Pick<ClientIdentity, 'name' | 'signingCertificatesPem'>;

/** Answers a refusal as a SOAP fault from the one fault table; internals only go to the log. */
export function sendFault(res: Response, error: unknown, logger: Logger): void {
  const fault = toSoapFault(error);
  if (fault.correlationId) logger.error('soap: request failed', { correlationId: fault.correlationId, error: errorMessage(error), stack: (error as Error)?.stack });
  res.status(500).type('text/xml; charset=utf-8').end(faultEnvelope(fault));
}

/**
 * Who is calling: the TLS client certificate (already chained to the client CA by the TLS layer)
 * must be registered to an entity, not revoked, within its validity, and used from one of the
 * entity's registered IP addresses.
 */
export function authenticateClient(credentials: CredentialsService, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const socket = req.socket as TLSSocket;
    const certificate = socket.getPeerCertificate?.();
    const refuse = (code: ConstructorParameters<typeof SmtError>[0], message: string, detail: Record<string, unknown> = {}) => {
      logger.warn('soap: client refused', { code, ip: req.socket.remoteAddress, ...detail });
      countRefusal('client', code);
      sendFault(res, new SmtError(code, message), logger);
    };
    if (!socket.authorized || !certificate?.fingerprint256) {
      return refuse('AUTH_NO_CERTIFICATE', 'a client certificate issued by the platform\'s client CA is required');
    }
    credentials.checkClient(certificate.fingerprint256).then((identity: ClientIdentity) => {
      const ip = normalizeIp(req.socket.remoteAddress ?? '') ?? String(req.socket.remoteAddress);
      if (!identity.ips.includes(ip)) return refuse('AUTH_IP_NOT_REGISTERED', `calls from ${ip} are not registered for ${identity.name}; register the address (smt entity update NAME --ip ...)`, { entity: identity.name });
      setAuthenticated(req, { identity });
      next();
    }, (error: unknown) => {
      if (!isSmtError(error)) return sendFault(res, error, logger);
      refuse(error.code, error.message, { subject: certificate.subject?.CN, ...error.details });
    });
  };
}

/**
 * The message itself: hardened XML checks and the WS-Security signature and Timestamp, verified in
 * worker threads with the entity's registered signing certificates; a signature seen before is a
 * replay. Leaves the raw body in req.body for the SOAP layer to parse the same bytes.
 */
export function verifyMessage(pool: WsSecurityPool, replay: ReplayGuard, identityOf: (req: Request) => MessageSigner, options: MessageSecurityOptions, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) return sendFault(res, new SmtError('XML_MALFORMED', 'the request has no SOAP envelope (send text/xml)'), logger);
    const identity = identityOf(req);
    const now = new Date();
    pool.verify(raw, {
      trustedCertificatesPem: identity.signingCertificatesPem, now, maxSkewSeconds: options.clockSkewSeconds,
      maxAgeSeconds: options.timestampWindowSeconds, allowSha1: options.allowSha1,
      envelopeLimits: {
        maxBytes: options.maxBodyBytes, maxDepth: 32, maxElements: options.maxElements,
        maxAttributesPerElement: options.maxAttributesPerElement, maxNamespacesInScope: options.maxNamespacesInScope,
      },
    }, options.priority).then(async (verified) => {
      if (await replay.seen(verified.signatureDigest, verified.expires, now)) {
        throw new SmtError('WSS_REPLAY', 'this signed message was already received; sign every request anew');
      }
      const ops = options.operations;
      const asked = verified.operation;
      if (!asked || asked.namespace !== ops.namespace || !ops.names.includes(asked.name)) {
        throw new SmtError('SOAP_OPERATION_UNKNOWN', `${asked ? `{${asked.namespace}}${asked.name}` : 'an empty Body'} is not an operation of this service; expected one of ${ops.names.join(', ')} in ${ops.namespace}`);
      }
      next();
    }).catch((error: unknown) => {
      if (isSmtError(error)) {
        logger.warn('soap: message refused', { code: error.code, entity: identity.name, reason: error.message });
        countRefusal('ws-security', error.code);
      }
      sendFault(res, error, logger);
    });
  };
}
