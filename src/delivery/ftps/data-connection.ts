import type net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

/** How long a finished data connection may take to close before it is cut. */
const CLOSE_GRACE_MS = 3000;

/**
 * A TLS socket that notes the moment its TLS layer ends the stream. Node reports a client's
 * close_notify and a bare TCP FIN alike as 'end'; only the order of this note and the TCP end
 * tells a finished upload from one whose connection was merely dropped.
 */
class EndObservingTlsSocket extends tls.TLSSocket {
  onTlsEnd: (() => void) | null = null;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) this.onTlsEnd?.();
    return super.push(chunk, encoding);
  }
}

/**
 * One passive data connection, TLS on the server side. TLS runs over a small duplex that relays
 * the TCP socket, so that the TCP end reaches TLS only through it: when TLS ends the stream
 * before that, the client sent close_notify (RFC 5246 7.2.1); otherwise the stream was cut.
 * The same check keeps a FIN forged by a third party from passing as the end of an upload.
 */
export class DataConnection {
  readonly socket: tls.TLSSocket;
  private tcpEnded = false;
  private tlsEndedFirst = false;
  private failure: Error | null = null;
  /** Noted at the handshake: once the socket is closed, Node no longer knows. */
  private resumed = false;
  /** Settles once the TLS handshake is done, or fails with it (a data connection that resumes nothing, say). */
  readonly secured: Promise<void>;

  constructor(private readonly raw: net.Socket, secureContext: tls.SecureContext, idleTimeoutMs: number, requestCert = false) {
    const relay = relayOf(raw, () => (this.tcpEnded = true), (error) => (this.failure ??= error));
    const socket = new EndObservingTlsSocket(relay as unknown as net.Socket, { isServer: true, secureContext, requestCert, rejectUnauthorized: false });
    socket.onTlsEnd = () => {
      if (!this.tcpEnded) this.tlsEndedFirst = true;
    };
    socket.on('error', (error) => (this.failure ??= error));
    raw.setTimeout(idleTimeoutMs, () => raw.destroy(new Error(`data connection stalled for ${idleTimeoutMs / 1000} s`)));
    this.secured = new Promise<void>((resolve, reject) => {
      socket.once('secure', () => {
        this.resumed = socket.isSessionReused();
        resolve();
      });
      socket.once('close', () => reject(this.failure ?? new Error('the data connection closed during the TLS handshake')));
    });
    this.secured.catch(() => undefined);
    this.socket = socket;
  }

  /** Where the connection came from, for the log. */
  get peer(): string {
    return `${this.raw.remoteAddress}:${this.raw.remotePort}`;
  }

  /** The client ended its stream with a TLS close_notify and nothing failed: what it sent is complete. */
  get endedCleanly(): boolean {
    return this.tlsEndedFirst && this.failure === null;
  }

  /** The connection failed (reset, TLS error, stall) rather than ending. */
  get broken(): boolean {
    return this.failure !== null || this.raw.destroyed;
  }

  get sessionReused(): boolean {
    return this.resumed;
  }

  /** SHA-256 of the client certificate the handshake (or the resumed session) carries, if any. */
  get peerFingerprint(): string | null {
    return this.socket.getPeerX509Certificate()?.fingerprint256 ?? null;
  }

  /** Ends our side with close_notify and waits briefly for the client to close; cuts it otherwise. */
  async close(graceful: boolean): Promise<void> {
    if (!graceful || this.raw.destroyed) return this.destroy();
    const closed = new Promise<void>((resolve) => this.raw.once('close', () => resolve()));
    const timer = setTimeout(() => this.destroy(), CLOSE_GRACE_MS);
    this.socket.end();
    await closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
    this.raw.destroy();
  }
}

/** Relays a TCP socket (created paused) with backpressure, reporting its end and errors as they happen. */
function relayOf(raw: net.Socket, onTcpEnd: () => void, onTcpError: (error: Error) => void): Duplex {
  const relay = new Duplex({
    allowHalfOpen: true,
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      raw.write(chunk, (error) => done(error ?? undefined));
    },
    final(done) {
      raw.end();
      done();
    },
    destroy(error, done) {
      raw.destroy();
      done(error);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    if (!relay.push(chunk)) raw.pause();
  });
  raw.on('end', () => relay.push(null));
  // Errors are recorded, not re-emitted: the TLS socket sees the relay close and fails the transfer.
  raw.on('error', (error) => {
    onTcpError(error);
    relay.destroy();
  });
  raw.on('close', () => {
    if (relay.readableLength === 0) relay.destroy();
    else relay.once('end', () => relay.destroy());
  });
  // Registered before TLS attaches its own listener, so it runs before the TCP end reaches TLS.
  relay.on('end', onTcpEnd);
  return relay;
}
