import net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from '../../core/logger';
import { normalizeIp } from '../../security/ip-address';
import type { DataConnection } from './data-connection';
import { FtpReplyError } from './ftp-protocol';

/** Starts TLS on an accepted data connection at once: some clients finish the handshake before sending the command. */
export type OpenDataConnection = (raw: net.Socket, binding: DataBinding) => DataConnection;

/** What makes a data connection the control connection's own. */
export interface DataBinding {
  secureContext: tls.SecureContext;
  requestCert: boolean;
  /** Null when the secured connection belongs to the control connection; else why not (told to the client and logged). */
  refusal(connection: DataConnection): string | null;
  /** Fields the refusal log line carries (who the port was opened for). */
  logFields(): Record<string, unknown>;
}

/** How long a passive port waits for the client's data connection. */
const ACCEPT_TIMEOUT_MS = 30_000;
/** Connections in their TLS handshake on one port at once; more are cut at once. */
const MAX_CANDIDATES = 4;
/** Refusals logged one by one per port; the rest are counted in one line when the port closes. */
const REFUSALS_LOGGED = 5;
const PORT_BUSY = new Set(['EADDRINUSE', 'EACCES']);

/**
 * The configured passive port range. Every port of it is tried (starting after the last one
 * handed out) before a client hears that none is free, so ports held by other programs only
 * narrow the range instead of failing transfers.
 */
export class PassivePortPool {
  private readonly taken = new Set<number>();
  private readonly listeners = new Set<PassiveListener>();
  private cursor: number;

  constructor(private readonly range: [number, number], private readonly open: OpenDataConnection, private readonly logger: Logger) {
    this.cursor = range[0];
  }

  /** A listener on `host` that accepts one data connection: from `clientIp`, and bound to the control connection by `binding`. */
  async listen(host: string, clientIp: string, binding: DataBinding): Promise<PassiveListener> {
    const [low, high] = this.range;
    const size = high - low + 1;
    for (let i = 0; i < size; i++) {
      const port = low + ((this.cursor - low + i) % size);
      if (this.taken.has(port)) continue;
      const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
      if (!(await tryListen(server, host, port))) continue;
      this.cursor = port === high ? low : port + 1;
      this.taken.add(port);
      const listener = new PassiveListener(server, port, clientIp, binding, (raw) => this.open(raw, binding), this.logger, () => {
        this.taken.delete(port);
        this.listeners.delete(listener);
      });
      this.listeners.add(listener);
      return listener;
    }
    this.logger.warn('ftps: no passive port free', { range: `${low}-${high}`, heldByThisServer: this.taken.size });
    throw new FtpReplyError(425, `No passive port is free (${low}-${high}); try again shortly`);
  }

  closeAll(): void {
    for (const listener of this.listeners) listener.close();
  }
}

/**
 * One passive port. Connections from the control connection's address make their TLS handshake;
 * the first whose session the binding accepts is the data connection. Others are refused and
 * cut (their bytes are never read), and the port keeps listening for the client's own.
 * A transfer waiting for its connection fails with 425 once every connection that arrived was
 * refused and none is left in its handshake.
 */
export class PassiveListener {
  private accepted: DataConnection | null = null;
  private handedOut = false;
  private closed = false;
  private readonly candidates = new Set<DataConnection>();
  private lastRefusal: string | null = null;
  private refusals = 0;
  private waiter: ((outcome: DataConnection | FtpReplyError) => void) | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly clientIp: string,
    private readonly binding: DataBinding,
    private readonly open: (raw: net.Socket) => DataConnection,
    private readonly logger: Logger,
    private readonly release: () => void,
  ) {
    server.on('connection', (socket) => this.onConnection(socket));
    this.timer = setTimeout(() => this.close(), ACCEPT_TIMEOUT_MS);
    this.timer.unref();
  }

  accept(signal: AbortSignal): Promise<DataConnection> {
    if (this.accepted) return Promise.resolve(this.take(this.accepted));
    if (this.closed) return Promise.reject(new FtpReplyError(425, 'The passive port is closed; send EPSV or PASV again'));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (outcome) => {
        signal.removeEventListener('abort', onAbort);
        if (outcome instanceof FtpReplyError) reject(outcome);
        else resolve(this.take(outcome));
      };
      // A connection the client opened before its command may still be on its way in: look after pending events.
      setImmediate(() => this.failWhenNoneLeft());
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.server.close();
    this.release();
    for (const candidate of this.candidates) candidate.destroy();
    this.candidates.clear();
    if (this.accepted && !this.handedOut) this.accepted.destroy();
    if (this.refusals > REFUSALS_LOGGED) this.logger.warn('ftps: data connections refused', { ...this.binding.logFields(), dataPort: this.port, refused: this.refusals, lastReason: this.lastRefusal });
    this.settle(new FtpReplyError(425, `No data connection arrived within ${ACCEPT_TIMEOUT_MS / 1000} s; send EPSV or PASV again`));
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const from = normalizeIp(socket.remoteAddress ?? '');
    if (from !== this.clientIp) {
      this.logger.warn('ftps: data connection from another address refused', { expected: this.clientIp, from: socket.remoteAddress, dataPort: this.port });
      socket.destroy();
      return;
    }
    if (this.accepted || this.closed || this.candidates.size >= MAX_CANDIDATES) {
      socket.destroy();
      return;
    }
    const connection = this.open(socket);
    this.candidates.add(connection);
    connection.secured.then(
      () => this.decide(connection),
      (error: unknown) => this.refuse(connection, "its TLS handshake failed (a data connection must resume the control connection's TLS session)", error instanceof Error ? error.message : String(error)),
    );
  }

  private decide(connection: DataConnection): void {
    if (!this.candidates.delete(connection)) return;
    const refusal = this.binding.refusal(connection);
    if (refusal !== null) return this.refuse(connection, refusal);
    this.accepted = connection;
    // One connection per port: stop listening now, which also frees the port for the next transfer.
    this.server.close();
    for (const other of this.candidates) other.destroy();
    this.candidates.clear();
    this.settle(connection);
  }

  /** `detail` (a TLS library message, say) goes to the log only. */
  private refuse(connection: DataConnection, reason: string, detail?: string): void {
    this.candidates.delete(connection);
    connection.destroy();
    if (this.closed || this.accepted) return;
    this.refusals++;
    this.lastRefusal = reason;
    if (this.refusals <= REFUSALS_LOGGED) this.logger.warn('ftps: data connection refused', { ...this.binding.logFields(), peer: connection.peer, dataPort: this.port, reason, detail });
    this.failWhenNoneLeft();
  }

  private failWhenNoneLeft(): void {
    if (this.waiter && this.lastRefusal !== null && this.candidates.size === 0 && !this.accepted) {
      this.settle(new FtpReplyError(425, `Data connection refused: ${this.lastRefusal}`));
    }
  }

  private settle(outcome: DataConnection | FtpReplyError): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(outcome);
  }

  private take(connection: DataConnection): DataConnection {
    this.handedOut = true;
    return connection;
  }
}

function tryListen(server: net.Server, host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      if (PORT_BUSY.has(error.code ?? '')) resolve(false);
      else reject(error);
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}
