import net from 'node:net';

/**
 * A TCP proxy (TLS passes through untouched) that can hold new connections before forwarding them:
 * while held, a caller's request is in flight and unanswered, as with a slow TDSP.
 */
export class HoldingProxy {
  private server: net.Server | null = null;
  private held = false;
  private readonly waiting: (() => void)[] = [];
  private readonly sockets = new Set<net.Socket>();
  connections = 0;
  port = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      this.connections++;
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      client.pause();
      const forward = (): void => {
        if (client.destroyed) return;
        const upstream = net.connect(this.targetPort, this.targetHost, () => {
          client.pipe(upstream).pipe(client);
          client.resume();
        });
        this.sockets.add(upstream);
        upstream.on('close', () => {
          this.sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
      };
      if (this.held) this.waiting.push(forward);
      else forward();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** New connections wait (and so do their requests) until release(). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const forward of this.waiting.splice(0)) forward();
  }

  async close(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
