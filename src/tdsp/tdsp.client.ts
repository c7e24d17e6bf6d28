import https from 'node:https';
import type { Logger } from '../core/logger';
import type { RegistryService } from '../registry/registry.service';
import type { CredentialsService } from '../security/credentials.service';
import { TDSP_HAN_NAMESPACE } from '../soap/tdsp-han.types';
import type { ClaimedDispatch } from './dispatch.store';
import { SignedSoapClient, SoapTransportError } from './signed-soap.client';
import type { Message } from './soap-message';

export interface TdspClientOptions {
  /** Our client certificate and key for mutual TLS, and the CAs TDSP server certificates chain to. */
  tls: { certPem: string; keyPem: string; caPem: string[] };
  /** Where TDSPs call back (the platform's TdspCallback service); read at each call. */
  callbackAddress: () => string;
}

export interface TdspAnswer {
  accepted: boolean;
  reason: string;
}

/**
 * Calls a TDSP's TdspHan service for one outbox row: looks up the TDSP's registered endpoint and
 * signing certificates, adds the callback address, and reads the answer. A Client fault is the
 * TDSP's refusal; a Server fault, like a network error, is worth retrying.
 */
export class TdspClient {
  private readonly agent: https.Agent;

  constructor(
    private readonly soap: SignedSoapClient,
    private readonly registry: RegistryService,
    private readonly credentials: CredentialsService,
    private readonly logger: Logger,
    private readonly options: TdspClientOptions,
  ) {
    const { certPem, keyPem, caPem } = options.tls;
    this.agent = new https.Agent({ cert: certPem, key: keyPem, ca: caPem, keepAlive: true, minVersion: 'TLSv1.2' });
  }

  /** Sends one outbox row, or several rows of one message request as one call with all their `targets`. */
  async send(dispatch: ClaimedDispatch, targets?: unknown[]): Promise<TdspAnswer> {
    const tdsp = await this.registry.findParticipantByDuns(dispatch.tdspDuns);
    if (!tdsp || tdsp.kind !== 'TDSP') throw new Error(`DUNS ${dispatch.tdspDuns} is not a registered TDSP`);
    if (!tdsp.endpoint) throw new SoapTransportError(`TDSP "${tdsp.name}" has no HAN endpoint registered (smt entity update "${tdsp.name}" --endpoint URL)`);
    const trustedSignersPem = await this.credentials.signingCertificatesOf(tdsp.id);
    // Spreading keeps each key where the stored message has it (callbackAddress may hold its place there).
    const message: Message = { ...(dispatch.message as Message), ...(targets ? { target: targets as Message[] } : {}), callbackAddress: this.options.callbackAddress() };
    const reply = await this.soap.call({ url: tdsp.endpoint, agent: this.agent, trustedSignersPem }, TDSP_HAN_NAMESPACE, dispatch.operation, message);
    if (reply.kind === 'fault') {
      const detail = `${reply.code ?? reply.faultcode}: ${reply.message ?? reply.faultstring}`;
      if (/(^|:)Client$/.test(reply.faultcode)) return { accepted: false, reason: `the TDSP refused the request (${detail})` };
      throw new SoapTransportError(`the TDSP answered with a Server fault (${detail})`, 500);
    }
    const accepted = reply.fields.accepted === 'true' || reply.fields.accepted === '1';
    const reason = typeof reply.fields.reason === 'string' ? reply.fields.reason : accepted ? '' : 'the TDSP did not accept the request and gave no reason';
    if (reply.fields.requestId !== dispatch.requestId) this.logger.warn('tdsp: the answer names another request id', { sent: dispatch.requestId, answered: reply.fields.requestId });
    return { accepted, reason };
  }
}
