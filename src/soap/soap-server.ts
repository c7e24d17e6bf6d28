import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import * as soap from 'soap';
import { SmtError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CredentialsService } from '../security/credentials.service';
import { ReplayCache } from '../security/replay-cache';
import type { SigningCredentials } from '../security/ws-security.signer';
import type { WsSecurityPool } from '../security/ws-security.pool';
import { authenticatedCaller } from './client-identity';
import { contractPath, METER_USAGE_NAMESPACE, METER_USAGE_OPERATIONS, METER_USAGE_XSD_FILE } from './meter-usage.types';
import type { MeterUsageMethods } from './meter-usage.types';
import { authenticateClient, sendFault, verifyMessage, type MessageSecurityOptions } from './soap-security.middleware';

export interface SoapServerOptions extends MessageSecurityOptions {
  host: string;
  port: number;
  /** The server's TLS certificate and key, which also sign every response. */
  server: SigningCredentials;
  /** PEM bundle of the CA(s) client certificates must chain to. */
  clientCaPem: string;
}

export interface SoapServerDeps {
  credentials: CredentialsService;
  security: WsSecurityPool;
  meterUsage: MeterUsageMethods;
  logger: Logger;
}

export interface RunningSoapServer {
  port: number;
  close(): Promise<void>;
}

const SOAP_TYPES = ['text/xml', 'application/soap+xml', 'application/xml'];

/**
 * The SOAP front door: HTTPS with mutual TLS (TLS 1.2+), then per request the client's registered
 * identity and IP, a bounded raw body, the WS-Security checks, and only then node-soap and the
 * service. Every response is signed with the server certificate.
 */
export async function startSoapServer(deps: SoapServerDeps, options: SoapServerOptions): Promise<RunningSoapServer> {
  const app = express();
  app.disable('x-powered-by');
  const replay = new ReplayCache();
  app.use('/MeterUsage', signResponses(deps.security, options.server, deps.logger));
  app.use('/MeterUsage', authenticateClient(deps.credentials, deps.logger));
  app.post('/MeterUsage',
    express.raw({ type: SOAP_TYPES, limit: options.maxBodyBytes }),
    verifyMessage(deps.security, replay, authenticatedCaller, {
      ...options, operations: { namespace: METER_USAGE_NAMESPACE, names: Object.keys(METER_USAGE_OPERATIONS) },
    }, deps.logger));
  // Clients that read /MeterUsage?wsdl fetch the schema it includes from beside it.
  app.get('/meter-usage.xsd', authenticateClient(deps.credentials, deps.logger), (_req, res) => {
    res.type('application/xml').sendFile(contractPath(METER_USAGE_XSD_FILE));
  });
  app.use('/MeterUsage', (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const tooLarge = (error as { type?: string }).type === 'entity.too.large';
    sendFault(res, tooLarge ? new SmtError('BODY_TOO_LARGE', `the request is larger than ${options.maxBodyBytes} bytes; split it`) : error, deps.logger);
  });

  const server = https.createServer({
    key: options.server.privateKeyPem,
    cert: options.server.certificatePem,
    ca: options.clientCaPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  }, app);
  server.on('tlsClientError', (error) => deps.logger.warn('soap: TLS handshake refused', { error: error.message }));
  const wsdl = fs.readFileSync(contractPath(), 'utf8');
  await new Promise<void>((resolve, reject) => {
    soap.listen(app, {
      path: '/MeterUsage',
      services: { MeterUsage: { MeterUsagePort: deps.meterUsage as unknown as soap.IServices[string][string] } },
      xml: wsdl,
      // Resolves the WSDL's xs:include of the schema next to it.
      uri: contractPath(),
      forceUseSchemaXmlns: true,
      enableChunkedEncoding: false,
      callback: (error: unknown) => (error ? reject(error) : resolve()),
    } as soap.IServerOptions);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  deps.logger.info('soap: listening', { host: options.host, port: (server.address() as AddressInfo).port });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Signs what goes out (answers and faults alike) in the WS-Security threads, then sends it. */
function signResponses(pool: WsSecurityPool, credentials: SigningCredentials, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const end = res.end.bind(res) as (chunk?: unknown) => Response;
    res.end = ((chunk?: unknown) => {
      if (chunk === undefined || typeof chunk === 'function') return end();
      const xml = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      pool.sign(xml, credentials, new Date()).then((signed) => {
        res.removeHeader('Content-Length');
        end(signed);
      }, (error: unknown) => {
        logger.error('soap: response could not be signed', { error: errorMessage(error) });
        res.statusCode = 500;
        end();
      });
      return res;
    }) as Response['end'];
    next();
  };
}
