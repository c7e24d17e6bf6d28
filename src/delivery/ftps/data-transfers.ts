import type { ControlSession } from './control-session';
import type { DataConnection } from './data-connection';
import { FtpReplyError } from './ftp-protocol';
import type { PassiveListener } from './passive-ports';

/** The passive port a session opened and the transfer that uses it; one of each at a time. */
export class DataTransfers {
  private passive: PassiveListener | null = null;
  private current: AbortController | null = null;
  private abortReplyOwed = false;

  constructor(private readonly session: ControlSession) {}

  get active(): boolean {
    return this.current !== null;
  }

  /** Listens on a port of the range for the next transfer; a port opened earlier and not used is given up. */
  async openPassive(): Promise<number> {
    this.passive?.close();
    this.passive = null;
    this.passive = await this.session.services.ports.listen(this.session.localIp, this.session.ip, this.session.dataBinding());
    return this.passive.port;
  }

  /**
   * One transfer: `150`, the client's data connection (TLS, bound to this session), the work, and the data connection
   * closed whatever happens. The caller replies 226 when this returns; failures become 425/426.
   */
  async run<T>(opening: string, work: (connection: DataConnection, signal: AbortSignal) => Promise<T>): Promise<T> {
    const passive = this.passive;
    this.passive = null;
    if (!passive) throw new FtpReplyError(425, 'Send EPSV or PASV before each transfer');
    const controller = new AbortController();
    this.current = controller;
    this.session.armIdleTimer();
    let connection: DataConnection | null = null;
    let succeeded = false;
    try {
      this.session.reply(150, opening);
      // Only a connection bound to this control connection's TLS session (or client certificate) comes back.
      connection = await passive.accept(controller.signal);
      const result = await work(connection, controller.signal);
      succeeded = true;
      return result;
    } catch (error) {
      if (controller.signal.aborted) throw new FtpReplyError(426, 'Transfer aborted (ABOR); the data connection is closed');
      if (error instanceof FtpReplyError) throw error;
      if (connection?.broken) throw new FtpReplyError(426, 'The data connection closed before the transfer completed');
      throw error;
    } finally {
      passive.close();
      await connection?.close(succeeded);
      this.current = null;
      this.session.armIdleTimer();
    }
  }

  /** ABOR during a transfer: cut it now; the command replies 426, then ABOR its 226. */
  abort(): void {
    if (!this.current) return;
    this.abortReplyOwed = true;
    this.current.abort(new FtpReplyError(426, 'Transfer aborted (ABOR)'));
  }

  takeAbortReply(): boolean {
    const owed = this.abortReplyOwed;
    this.abortReplyOwed = false;
    return owed;
  }

  close(): void {
    this.current?.abort(new FtpReplyError(426, 'Connection closed'));
    this.passive?.close();
    this.passive = null;
  }
}
