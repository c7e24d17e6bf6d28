import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as soap from 'soap';
import { SmtError, errorMessage } from '../core/errors';
import type { CallPriority } from '../core/thread-pool';
import type { Logger } from '../core/logger';
import type { ReplayGuard } from '../security/replay-cache';
import type { SigningCredentials } from '../security/ws-security.signer';
import type { WsSecurityPool } from '../security/ws-security.pool';
import { contractPath } from './contract';
import { sendFault, verifyMessage, type MessageSecurityOptions, type MessageSigner } from './soap-security.middleware';
import { publicUrlOnPort, withServiceAddress } from './wsdl-address';
import { TlsRefusalLog } from './tls-refusal-log';

/** One WSDL service served at a path, with the methods node-soap calls. */
export interface SoapService {
  path: string;
  wsdlFile: string;
  service: string;
  port: string;
  namespace: string;
  operations: readonly string[];
  methods: object;
  /** Its messages carry work already under way (callbacks, calls passed on): signed and checked before new requests. */
  urgent?: boolean;
}

export interface SoapHostOptions extends Omit<MessageSecurityOptions, 'operations' | 'priority'> {
  host: string;
  port: number;
  /** The TLS certificate and key, which also sign every response unless `responseSigner` is given. */
  server: SigningCredentials;
  responseSigner?: SigningCredentials;
  /** PEM bundle of the CA(s) client certificates must chain to. */
  clientCaPem: string;
  /** Schema files the WSDLs include or import, served beside them for clients that read ?wsdl. */
  schemaFiles: readonly string[];
  /**
   * The base URL clients call (no trailing slash); each WSDL served at `<path>?wsdl` names
   * `<publicUrl><path>` as its address. Port 0 stands for the port the server got. Default https://localhost:0.
   */
  publicUrl?: string;
}

export interface SoapHostDeps {
  security: WsSecurityPool;
  /** Identifies the caller from its TLS certificate (and address), or answers with a fault. */
  authenticate: RequestHandler;
  /** The identified caller's signing certificates. */
  signerOf: (req: Request) => MessageSigner;
  /** Remembers accepted signatures: a message signed once is accepted once (shared by every process on the database, for the platform). */
  replay: ReplayGuard;
  logger: Logger;
}

export interface RunningSoapServer {
  port: number;
  close(): Promise<void>;
}

const SOAP_TYPES = ['text/xml', 'application/soap+xml', 'application/xml'];
const KEEP_ALIVE_MS = 65_000;
const DEFAULT_PUBLIC_URL = 'https://localhost:0';

/**
 * A SOAP server the way the platform (and the mock TDSP) runs one: HTTPS with mutual TLS (TLS 1.2+),
 * then per request the caller's identity, a bounded raw body, the WS-Security checks, and only then
 * node-soap and the service. Every response is signed (with the server certificate unless another signer is given).
 */
export async function startSoapHost(services: readonly SoapService[], deps: SoapHostDeps, options: SoapHostOptions): Promise<RunningSoapServer> {
  const app = express();
  app.disable('x-powered-by');
  const wsdls = new Map(services.map((service) => [service, fs.readFileSync(contractPath(service.wsdlFile), 'utf8')]));
  let port = 0;
  for (const service of services) {
    const priority: CallPriority = service.urgent ? 'urgent' : 'normal';
    app.use(service.path, signResponses(deps.security, options.responseSigner ?? options.server, priority, deps.logger));
    app.use(service.path, deps.authenticate);
    // Before node-soap, which would serve the contract's placeholder address.
    app.get(service.path, servedWsdl(() => withServiceAddress(wsdls.get(service)!, `${publicUrlOnPort(options.publicUrl ?? DEFAULT_PUBLIC_URL, port)}${service.path}`)));
    app.post(service.path,
      express.raw({ type: SOAP_TYPES, limit: options.maxBodyBytes }),
      verifyMessage(deps.security, deps.replay, deps.signerOf, { ...options, operations: { namespace: service.namespace, names: service.operations }, priority }, deps.logger));
    app.use(service.path, (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const tooLarge = (error as { type?: string }).type === 'entity.too.large';
      sendFault(res, tooLarge ? new SmtError('BODY_TOO_LARGE', `the request is larger than ${options.maxBodyBytes} bytes; split it`) : error, deps.logger);
    });
  }
  for (const schema of options.schemaFiles) {
    app.get(`/${schema}`, deps.authenticate, (_req, res) => res.type('application/xml').sendFile(contractPath(schema)));
  }

  const server = https.createServer({
    key: options.server.privateKeyPem,
    cert: options.server.certificatePem,
    ca: options.clientCaPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  }, app);
  const refusals = new TlsRefusalLog(deps.logger, 'soap');
  server.on('tlsClientError', (error, socket) => refusals.refused(error, socket));
  // Node closes idle keep-alive connections after 5 s; a client that reuses one just then sees a reset.
  // Clients and load balancers commonly keep connections a minute, so the server keeps them longer.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  for (const service of services) await listen(app, service, wsdls.get(service)!);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  deps.logger.info('soap: listening', { host: options.host, port, services: services.map((s) => s.path) });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      refusals.flush(); // the summary is written while the logger still is open; no timer outlives the server
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Answers `<path>?wsdl` (any case, as node-soap reads it) with the WSDL naming the address clients call. */
function servedWsdl(wsdl: () => string): RequestHandler {
  let text: string | null = null;
  return (req, res, next) => {
    const query = req.originalUrl.indexOf('?');
    if (query < 0 || !req.originalUrl.slice(query).toLowerCase().startsWith('?wsdl')) return next();
    text ??= wsdl();
    res.type('application/xml').send(text);
  };
}

function listen(app: express.Express, service: SoapService, wsdl: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    soap.listen(app, {
      path: service.path,
      services: { [service.service]: { [service.port]: service.methods as unknown as soap.IServices[string][string] } },
      xml: wsdl,
      // Resolves the WSDL's includes and imports of the schemas next to it.
      uri: contractPath(service.wsdlFile),
      forceUseSchemaXmlns: true,
      enableChunkedEncoding: false,
      callback: (error: unknown) => (error ? reject(error) : resolve()),
    } as soap.IServerOptions);
  });
}

/** Signs what goes out (answers and faults alike) in the WS-Security threads, then sends it. */
function signResponses(pool: WsSecurityPool, credentials: SigningCredentials, priority: CallPriority, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const end = res.end.bind(res) as (chunk?: unknown) => Response;
    res.end = ((chunk?: unknown) => {
      if (chunk === undefined || typeof chunk === 'function') return end();
      const xml = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      pool.sign(xml, credentials, new Date(), priority).then((signed) => {
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
