import https from 'node:https';
import { errorMessage } from '../core/errors';
import type { SigningCredentials } from '../security/ws-security.signer';
import type { WsSecurityPool } from '../security/ws-security.pool';
import { readReply, requestEnvelope, type Message, type SoapReply } from './soap-message';

/** The far side of a call: its address, the TLS agent (our client certificate, the CAs we trust) and who may sign its answers. */
export interface SoapPeer {
  url: string;
  agent: https.Agent;
  /** PEM certificates whose WS-Security signature on a response is accepted. */
  trustedSignersPem: string[];
}

/** The call may not have arrived, or its answer could not be trusted: worth another attempt later. */
export class SoapTransportError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'SoapTransportError';
  }
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

class StaleConnectionError extends SoapTransportError {}

/**
 * One signed SOAP 1.1 call over mutual TLS: the request is signed with our certificate (WS-Security),
 * and the answer or fault must carry a valid signature of one of the peer's certificates.
 */
export class SignedSoapClient {
  constructor(
    private readonly security: WsSecurityPool,
    private readonly signer: SigningCredentials,
    private readonly timeoutMs: number,
  ) {}

  async call(peer: SoapPeer, namespace: string, operation: string, message: Message): Promise<SoapReply> {
    // Calls carry work already under way: their signatures go before new requests'.
    const signed = await this.security.sign(requestEnvelope(namespace, operation, message), this.signer, new Date(), 'urgent');
    const { status, body } = await this.post(peer, `${namespace}/${operation}`, signed);
    if (status !== 200 && status !== 500) throw new SoapTransportError(`HTTP ${status} from ${peer.url}`, status);
    try {
      await this.security.verify(body, { trustedCertificatesPem: peer.trustedSignersPem, now: new Date() }, 'urgent');
    } catch (error) {
      throw new SoapTransportError(`the answer from ${peer.url} is not signed by a registered certificate (${errorMessage(error)})`, status);
    }
    const reply = readReply(body.toString('utf8'));
    if (!reply || (status === 500) !== (reply.kind === 'fault')) throw new SoapTransportError(`HTTP ${status} from ${peer.url} without a SOAP ${status === 500 ? 'fault' : 'answer'}`, status);
    return reply;
  }

  /** A kept-alive connection the server closed just as it was reused fails at once: that one is retried on a new connection. */
  private async post(peer: SoapPeer, soapAction: string, body: string): Promise<{ status: number; body: Buffer }> {
    try {
      return await this.postOnce(peer, soapAction, body);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      return this.postOnce(peer, soapAction, body);
    }
  }

  private postOnce(peer: SoapPeer, soapAction: string, body: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const request = https.request(peer.url, {
        method: 'POST', agent: peer.agent, timeout: this.timeoutMs,
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction}"` },
      }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) request.destroy(new SoapTransportError(`the answer from ${peer.url} is larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', (error) => reject(new SoapTransportError(errorMessage(error))));
      });
      request.on('timeout', () => request.destroy(new SoapTransportError(`no answer from ${peer.url} within ${this.timeoutMs} ms`)));
      request.on('error', (error) => {
        if (request.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') reject(new StaleConnectionError(errorMessage(error)));
        else reject(error instanceof SoapTransportError ? error : new SoapTransportError(`cannot reach ${peer.url}: ${errorMessage(error)}`));
      });
      request.end(body);
    });
  }
}
