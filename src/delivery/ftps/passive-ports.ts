import net from 'node:net';
import type { Logger } from '../../core/logger';
import { normalizeIp } from '../../security/ip-address';
import type { DataConnection } from './data-connection';
import { FtpReplyError } from './ftp-protocol';

/** Starts TLS on an accepted data connection at once: some clients finish the handshake before sending the command. */
export type OpenDataConnection = (raw: net.Socket) => DataConnection;

/** How long a passive port waits for the client's data connection. */
const ACCEPT_TIMEOUT_MS = 30_000;
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

  /** A listener on `host` that accepts one data connection, and only from `clientIp`. */
  async listen(host: string, clientIp: string): Promise<PassiveListener> {
    const [low, high] = this.range;
    const size = high - low + 1;
    for (let i = 0; i < size; i++) {
      const port = low + ((this.cursor - low + i) % size);
      if (this.taken.has(port)) continue;
      const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
      if (!(await tryListen(server, host, port))) continue;
      this.cursor = port === high ? low : port + 1;
      this.taken.add(port);
      const listener = new PassiveListener(server, port, clientIp, this.open, this.logger, () => {
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

/** One passive port: the first connection from the control connection's address is the data connection. */
export class PassiveListener {
  private accepted: DataConnection | null = null;
  private handedOut = false;
  private closed = false;
  private waiter: ((connection: DataConnection | null) => void) | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly clientIp: string,
    private readonly open: OpenDataConnection,
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
      this.waiter = (connection) => {
        signal.removeEventListener('abort', onAbort);
        if (connection) resolve(this.take(connection));
        else reject(new FtpReplyError(425, `No data connection arrived within ${ACCEPT_TIMEOUT_MS / 1000} s; send EPSV or PASV again`));
      };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.server.close();
    this.release();
    if (this.accepted && !this.handedOut) this.accepted.destroy();
    this.waiter?.(null);
    this.waiter = null;
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const from = normalizeIp(socket.remoteAddress ?? '');
    if (this.accepted || this.closed || from !== this.clientIp) {
      if (from !== this.clientIp) this.logger.warn('ftps: data connection from another address refused', { expected: this.clientIp, from: socket.remoteAddress, dataPort: this.port });
      socket.destroy();
      return;
    }
    this.accepted = this.open(socket);
    // One connection per port: stop listening now, which also frees the port for the next transfer.
    this.server.close();
    this.waiter?.(this.accepted);
    this.waiter = null;
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
