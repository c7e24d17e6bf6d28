import net from 'node:net';
import tls from 'node:tls';

export interface FtpReply {
  code: number;
  text: string;
}

/** A control connection driven line by line, for what a well-behaved client never sends. */
export class RawFtpClient {
  private buffer = '';
  private readonly replies: FtpReply[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  /** `from`: the local address to connect from (any 127.x.y.z on loopback). */
  static async connect(port: number, from?: string): Promise<RawFtpClient> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawFtpClient(socket);
    await client.reply();
    return client;
  }

  /** Sends a line (or raw text when it already ends with CRLF) and returns the next reply. */
  async send(line: string): Promise<FtpReply> {
    this.write(line);
    return this.reply();
  }

  write(text: string): void {
    this.socket.write(text.endsWith('\r\n') ? text : `${text}\r\n`);
  }

  async reply(timeoutMs = 10_000): Promise<FtpReply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.ended) throw new Error('the server closed the connection');
      if (Date.now() > deadline) throw new Error('no reply');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.replies.shift()!;
  }

  /** AUTH TLS, then the handshake on the same connection. */
  async upgrade(caPem: string, options: tls.ConnectionOptions = {}): Promise<void> {
    const reply = await this.send('AUTH TLS');
    if (reply.code !== 234) throw new Error(`AUTH TLS: ${reply.code} ${reply.text}`);
    await this.upgradeAfterReply(caPem, options);
  }

  /** The TLS handshake, once the 234 has been read. */
  async upgradeAfterReply(caPem: string, options: tls.ConnectionOptions = {}): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ ...options, socket: this.socket, ca: caPem, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.listen(secure);
  }

  /** EPSV and the TLS data connection to the port it names. */
  async openData(caPem: string): Promise<tls.TLSSocket> {
    return this.connectData(await this.epsv(), caPem);
  }

  async epsv(): Promise<number> {
    const reply = await this.send('EPSV');
    const port = /\|\|\|(\d+)\|/.exec(reply.text);
    if (!port) throw new Error(`EPSV: ${reply.code} ${reply.text}`);
    return Number(port[1]);
  }

  /** A TLS data connection that offers to resume the control connection's TLS session, as curl and basic-ftp do. */
  async connectData(port: number, caPem: string): Promise<tls.TLSSocket> {
    const session = (this.socket as tls.TLSSocket).getSession?.();
    const data = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost', session });
    data.on('error', () => undefined);
    await new Promise<void>((resolve) => data.once('secureConnect', resolve));
    return data;
  }

  /** The control connection's TLS session, as a client offers it to resume on data connections. */
  get tlsSession(): Buffer | undefined {
    return (this.socket as tls.TLSSocket).getSession?.();
  }

  async login(user: string, password: string): Promise<FtpReply> {
    await this.send(`USER ${user}`);
    return this.send(`PASS ${password}`);
  }

  get closed(): boolean {
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      this.parse();
    });
    socket.on('close', () => (this.ended = true));
    socket.on('error', () => (this.ended = true));
  }

  private parse(): void {
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const first = /^(\d{3})([ -])/.exec(lines[0] ?? '');
      if (!first || lines.length < 2) return;
      const end = first[2] === ' ' ? 0 : lines.findIndex((l, i) => i > 0 && l.startsWith(`${first[1]} `));
      if (end < 0 || end >= lines.length - 1) return;
      this.replies.push({ code: Number(first[1]), text: lines.slice(0, end + 1).join('\n') });
      this.buffer = lines.slice(end + 1).join('\r\n');
      this.waiter?.();
    }
  }
}
