import type { X509Certificate } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { errorMessage } from '../../core/errors';
import type { FtpAccount } from '../../security/ftp-accounts.service';
import { normalizeIp } from '../../security/ip-address';
import { fileCommands } from './file-commands';
import { FtpReplyError, formatReply, notImplementedReply, parseCommandLine, stripTelnetCommands, type FtpCommand, type Gate } from './ftp-protocol';
import { DataTransfers } from './data-transfers';
import type { DataBinding } from './passive-ports';
import type { AdmissionSlot } from './session-admission';
import { sessionCommands } from './session-commands';
import type { SessionServices } from './session-services';
import { dataConnectionRefusal, type SessionTls } from './session-tls';
import { transferCommands } from './transfer-commands';
import { VirtualFileSystem } from './virtual-fs';

const COMMANDS: Readonly<Record<string, FtpCommand>> = { ...sessionCommands, ...fileCommands, ...transferCommands };
const MAX_LINE_BYTES = 4096;
/** Before login the longest line is a PASS: nothing longer has a reason to arrive. */
const MAX_LINE_BYTES_BEFORE_LOGIN = 1024;
/** AUTH, PBSZ, PROT, USER, PASS and a few FEAT/OPTS/TYPE: room for some wrong passwords, not for a NOOP flood. */
const MAX_COMMANDS_BEFORE_LOGIN = 24;
const MAX_QUEUED_COMMANDS = 32;

/**
 * One control connection, from the plain greeting through AUTH TLS, login and transfers.
 * Commands run one at a time in arrival order; only ABOR overtakes a transfer in progress.
 */
export class ControlSession {
  socket: net.Socket;
  /** The TLS handshake on the control connection completed. */
  secure = false;
  pbszSet = false;
  /** PROT P: data connections are encrypted. */
  protectData = false;
  pendingUser: string | null = null;
  account: FtpAccount | null = null;
  files: VirtualFileSystem | null = null;
  cwd = '/';
  restOffset = 0;
  readonly ip: string;
  readonly localIp: string;
  readonly transfers: DataTransfers;
  private clientFingerprint: string | null = null;
  private tls: SessionTls | null = null;
  private commandsBeforeLogin = 0;
  private loginTimer: NodeJS.Timeout | null;
  private pending: Buffer = Buffer.alloc(0);
  private readonly queue: string[] = [];
  private busy = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(
    socket: net.Socket,
    readonly services: SessionServices,
    private readonly slot: AdmissionSlot,
    private readonly onClosed: (session: ControlSession) => void,
  ) {
    this.socket = socket;
    this.ip = normalizeIp(socket.remoteAddress ?? '') ?? String(socket.remoteAddress);
    this.localIp = normalizeIp(socket.localAddress ?? '') ?? String(socket.localAddress);
    this.transfers = new DataTransfers(this);
    this.attach(socket);
    // Counted in the admission's summary log line, not one line per connection of a flood.
    slot.whenEvicted(() => this.close(421, 'Too many connections are waiting to log in; this one had not sent AUTH TLS and was closed to make room'));
    this.reply(220, 'smt-platform FTPS: send AUTH TLS first, then PBSZ 0 and PROT P; plain FTP is refused');
    this.armIdleTimer();
    this.loginTimer = setTimeout(() => {
      this.services.logger.info('ftps: login deadline passed', { ip: this.ip, secure: this.secure, commands: this.commandsBeforeLogin });
      this.close(421, `Not logged in within ${this.services.loginTimeoutMs / 1000} s of connecting (AUTH TLS, USER, PASS); closing the connection`);
    }, this.services.loginTimeoutMs);
  }

  reply(code: number, text: string | string[]): void {
    if (!this.closed && this.socket.writable) this.socket.write(formatReply(code, text));
  }

  /** Fields every log line of this session carries. */
  logFields(): Record<string, unknown> {
    return { participant: this.account?.name, ip: this.ip };
  }

  /** After `234`, the same TCP connection continues as TLS. Anything sent in clear after AUTH TLS is dropped unread. */
  startTls(): void {
    const plain = this.socket;
    plain.removeListener('data', this.onData);
    plain.pause();
    if (this.pending.length > 0 || this.queue.length > 0) this.services.logger.warn('ftps: commands sent in clear after AUTH TLS were dropped', { ip: this.ip });
    this.pending = Buffer.alloc(0);
    this.queue.length = 0;
    this.reply(234, 'AUTH TLS accepted; start the TLS handshake');
    this.slot.tlsStarted = true;
    this.tls = this.services.newSessionTls();
    const secure = new tls.TLSSocket(plain, {
      isServer: true, secureContext: this.tls.control, requestCert: this.tls.requestClientCertificate, rejectUnauthorized: false,
    });
    this.socket = secure;
    this.attach(secure);
    secure.once('secure', () => {
      this.secure = true;
      this.clientFingerprint = clientCertificateFingerprint(secure, this.services.clientCas);
    });
  }

  async logIn(user: string, password: string): Promise<FtpAccount> {
    const account = await this.services.logins.logIn(user, password, this.ip, this.clientFingerprint);
    if (this.closed) {
      this.services.logins.logOut(account);
      throw new FtpReplyError(421, 'Connection closed');
    }
    this.account = account;
    this.slot.loggedIn();
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.files = new VirtualFileSystem(this.services.realRoot, account, this.services.logger);
    this.cwd = '/';
    return account;
  }

  /** What a data connection must show to belong to this control connection: its TLS session, or its client certificate. */
  dataBinding(): DataBinding {
    const { tls: contexts, clientFingerprint } = this;
    if (!contexts) throw new FtpReplyError(530, 'TLS required (AUTH TLS first)');
    return {
      secureContext: contexts.data,
      requestCert: contexts.requestClientCertificate,
      refusal: (connection) => dataConnectionRefusal(connection, clientFingerprint),
      logFields: () => this.logFields(),
    };
  }

  /** Restarts the idle clock; it does not run while a transfer is in progress. */
  armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.closed || this.transfers.active) return;
    this.idleTimer = setTimeout(() => {
      this.services.logger.info('ftps: idle timeout', this.logFields());
      this.close(421, `No command for ${this.services.idleTimeoutMs / 1000} s; closing the connection`);
    }, this.services.idleTimeoutMs);
  }

  /** Says goodbye (when given a reply), ends the connection, and cuts it if the client does not close. */
  close(code?: number, text?: string): void {
    if (this.closed) return;
    if (code !== undefined && text !== undefined) this.reply(code, text);
    this.cleanUp();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', (error) => this.services.logger.info('ftps: control connection failed', { ...this.logFields(), error: errorMessage(error) }));
    socket.once('close', () => this.cleanUp());
  }

  /** Splits lines; a line (complete or not) past the length limit closes the connection, unread. */
  private receive(chunk: Buffer): void {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (let newline = this.pending.indexOf(0x0a); !this.closed; newline = this.pending.indexOf(0x0a)) {
      const maxLine = this.account ? MAX_LINE_BYTES : MAX_LINE_BYTES_BEFORE_LOGIN;
      if ((newline < 0 ? this.pending.length : newline) > maxLine) return this.close(500, `Command line longer than ${maxLine} bytes; closing the connection`);
      if (newline < 0) return;
      const line = stripTelnetCommands(this.pending.subarray(0, newline)).toString('utf8').replace(/\r$/, '');
      this.pending = this.pending.subarray(newline + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    this.armIdleTimer();
    if (parseCommandLine(line).verb === 'ABOR' && this.transfers.active) return this.transfers.abort();
    if (!this.account && ++this.commandsBeforeLogin > MAX_COMMANDS_BEFORE_LOGIN) {
      this.services.logger.info('ftps: too many commands before login', { ip: this.ip, commands: MAX_COMMANDS_BEFORE_LOGIN });
      return this.close(421, `More than ${MAX_COMMANDS_BEFORE_LOGIN} commands without logging in; closing the connection`);
    }
    if (this.queue.length >= MAX_QUEUED_COMMANDS) return this.close(421, 'Too many commands queued; closing the connection');
    this.queue.push(line);
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0 && !this.closed) await this.execute(this.queue.shift()!);
    this.busy = false;
  }

  private async execute(line: string): Promise<void> {
    const { verb, arg } = parseCommandLine(line);
    const command = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
    try {
      if (!command) throw notImplementedReply(verb);
      this.checkGate(command.gate);
      await command.run(this, arg);
    } catch (error) {
      if (error instanceof FtpReplyError) {
        this.reply(error.code, error.message);
      } else {
        this.services.logger.error('ftps: command failed', { ...this.logFields(), verb, error: errorMessage(error) });
        this.reply(451, `${verb} failed on the server (the failure is logged); try again`);
      }
    } finally {
      // ABOR's own reply follows the aborted command's 426 (RFC 959 4.1.3).
      if (this.transfers.takeAbortReply()) this.reply(226, 'ABOR: the transfer was aborted');
      if (verb !== 'REST') this.restOffset = 0;
    }
  }

  private checkGate(gate: Gate): void {
    if (gate === 'any') return;
    // Nothing of USER or PASS is read before TLS: the refusal is the same whatever was sent.
    if (!this.secure) throw new FtpReplyError(530, 'TLS required (AUTH TLS first)');
    if (gate === 'tls') return;
    if (!this.account) throw new FtpReplyError(530, 'Log in first (USER and PASS)');
    if (gate === 'data' && !this.protectData) throw new FtpReplyError(521, 'Data connections must be encrypted: send PBSZ 0 and PROT P first');
  }

  private cleanUp(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.slot.release();
    this.transfers.close();
    if (this.account) this.services.logins.logOut(this.account);
    this.onClosed(this);
  }
}

/**
 * The SHA-256 fingerprint of the client's certificate when the client CA issued it, else null.
 * The handshake proved the client holds its key; Node computes `authorized` only for sockets a
 * tls.Server created, so the issuer is checked here. Whether the certificate is registered to the
 * entity (and unrevoked, unexpired) is the account check's to decide.
 */
function clientCertificateFingerprint(socket: tls.TLSSocket, clientCas: X509Certificate[]): string | null {
  const peer = socket.getPeerX509Certificate();
  if (!peer || !clientCas.some((ca) => peer.checkIssued(ca) && peer.verify(ca.publicKey))) return null;
  return peer.fingerprint256;
}
