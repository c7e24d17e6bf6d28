import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { SmtError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { normalizeFingerprint } from '../../security/pki';
import { ReplayCache } from '../../security/replay-cache';
import type { SigningCredentials } from '../../security/ws-security.signer';
import type { WsSecurityPool } from '../../security/ws-security.pool';
import { FAULT_XSD_FILE } from '../../soap/fault-table';
import { sendFault } from '../../soap/soap-security.middleware';
import { startSoapHost, type RunningSoapServer } from '../../soap/soap-host';
import { TDSP_HAN_NAMESPACE, TDSP_HAN_OPERATIONS, TDSP_HAN_WSDL_FILE, TDSP_HAN_XSD_FILE } from '../../soap/tdsp-han.types';
import { SignedSoapClient } from '../signed-soap.client';
import type { Message } from '../soap-message';
import { mockDeviceMethods } from './mock-device.methods';
import { mockMessageMethods } from './mock-message.methods';
import type { MockBehaviour } from './mock-behaviour';

export interface MockTdspOptions {
  host: string;
  port: number;
  /** The mock's HTTPS server certificate and key. */
  server: SigningCredentials;
  /** The TDSP's client certificate and key: its callbacks use them for mutual TLS and WS-Security. */
  tdsp: SigningCredentials;
  /** CAs the platform's client certificate (calls in) and server certificate (callbacks out) chain to. */
  caPem: string;
  /** The platform's client certificate (SHA-256 fingerprint); null: any certificate from the CA. */
  platformClientFingerprint256: string | null;
  /** Certificates whose signatures on requests count as the platform's (its TDSP signing certificate). */
  platformSignersPem: string[];
  /** Certificates whose signatures on the answers to callbacks count as the platform's (its server certificate). */
  platformAnswerSignersPem: string[];
  behaviour: MockBehaviour;
  maxBodyBytes: number;
  clockSkewSeconds: number;
  timestampWindowSeconds: number;
}

/** Calls back the platform, retrying a few times when it is not there. */
export type Callback = (callbackAddress: string, operation: string, message: Message) => Promise<void>;

const CALLBACK_ATTEMPTS = 5;
const CALLBACK_RETRY_MS = 1000;

/**
 * A TDSP for testers and integrators: a real HTTPS SOAP server implementing wsdl/TdspHan.wsdl, which
 * accepts the platform's signed calls over mutual TLS and reports statuses back to the platform's
 * TdspCallback service as its behaviour file scripts them.
 */
export async function startMockTdsp(options: MockTdspOptions, security: WsSecurityPool, logger: Logger): Promise<RunningSoapServer> {
  const soap = new SignedSoapClient(security, options.tdsp, 30_000);
  const agent = new https.Agent({ cert: options.tdsp.certificatePem, key: options.tdsp.privateKeyPem, ca: options.caPem, keepAlive: true });
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
  const callback: Callback = async (url, operation, message) => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        const reply = await soap.call({ url, agent, trustedSignersPem: options.platformAnswerSignersPem }, TDSP_HAN_NAMESPACE, operation, message);
        if (reply.kind === 'fault') logger.warn('mock-tdsp: the platform refused a callback', { operation, requestId: message.requestId, code: reply.code, message: reply.message });
        return;
      } catch (error) {
        if (attempt >= CALLBACK_ATTEMPTS) {
          logger.error('mock-tdsp: callback given up', { operation, requestId: message.requestId, error: errorMessage(error) });
          return;
        }
        await wait(CALLBACK_RETRY_MS * attempt);
      }
    }
  };
  const platform = { name: 'smt-platform', signingCertificatesPem: options.platformSignersPem };
  const deps = { behaviour: options.behaviour, callback, wait, logger };
  const running = await startSoapHost([{
    path: '/TdspHan', wsdlFile: TDSP_HAN_WSDL_FILE, service: 'TdspHan', port: 'TdspHanPort', namespace: TDSP_HAN_NAMESPACE,
    operations: Object.keys(TDSP_HAN_OPERATIONS), urgent: true, methods: { ...mockDeviceMethods(deps), ...mockMessageMethods(deps) },
  }], {
    security,
    authenticate: (req: Request, res: Response, next: NextFunction) => {
      const certificate = (req.socket as TLSSocket).getPeerCertificate?.();
      const expected = options.platformClientFingerprint256;
      if (expected !== null && normalizeFingerprint(certificate?.fingerprint256 ?? '') !== normalizeFingerprint(expected)) {
        return sendFault(res, new SmtError('AUTH_CERTIFICATE_UNKNOWN', 'this TDSP accepts calls from the platform\'s client certificate only'), logger);
      }
      next();
    },
    signerOf: () => platform,
    // The mock keeps no database: its replay records live in its memory.
    replay: new ReplayCache(),
    logger,
  }, {
    // Answers are signed as the TDSP, with the certificate the platform has registered for it.
    host: options.host, port: options.port, server: options.server, responseSigner: options.tdsp, clientCaPem: options.caPem,
    schemaFiles: [TDSP_HAN_XSD_FILE, FAULT_XSD_FILE], maxBodyBytes: options.maxBodyBytes,
    clockSkewSeconds: options.clockSkewSeconds, timestampWindowSeconds: options.timestampWindowSeconds, allowSha1: false,
  });
  logger.info('mock-tdsp: listening', { port: running.port, rules: options.behaviour.rules.length });
  return {
    port: running.port,
    close: async () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      agent.destroy();
      await running.close();
    },
  };
}
