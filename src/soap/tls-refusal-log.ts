import type { Logger } from '../core/logger';
import { countRefusal, tlsRefusalCategory } from '../ops/platform-metrics';

/** Refused handshakes logged in full per window; past that they are counted and summarised once. */
export const TLS_REFUSALS_LOGGED_PER_WINDOW = 10;
export const TLS_REFUSAL_WINDOW_MS = 60_000;

interface RefusedSocket {
  remoteAddress?: string;
  remotePort?: number;
}

/** Why a handshake failed, in words an operator can act on. */
export function refusalReason(error: Error & { code?: string }): string {
  const message = error.message ?? '';
  if (error.code === 'ECONNRESET' || /socket hang up/i.test(message)) return 'the client closed the connection before the handshake finished (often: it does not trust the server certificate, or it is not a TLS client)';
  if (/no certificate|peer did not return a certificate|certificate required/i.test(message)) return 'the client sent no client certificate (mutual TLS is required)';
  if (/unknown ca|unable to get (local )?issuer|self[- ]signed|certificate verify failed|unsupported certificate/i.test(message)) return `the client certificate is not from the client CA (${message})`;
  if (/certificate has expired|certificate expired|not yet valid/i.test(message)) return `the client certificate is outside its validity (${message})`;
  if (/wrong version number|unsupported protocol|version too low|http request/i.test(message)) return `not a TLS 1.2+ handshake (${message})`;
  if (/timeout|timed out/i.test(message) || error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'the handshake did not finish in time';
  return message || error.code || 'unknown';
}

/**
 * Logs refused TLS handshakes with the peer and the reason, at most TLS_REFUSALS_LOGGED_PER_WINDOW lines
 * a minute; the rest of the minute is one summary line (how many, from how many addresses, the
 * reasons), so a client retrying in a loop cannot fill the log.
 */
export class TlsRefusalLog {
  private windowStart = 0;
  private logged = 0;
  private suppressed = 0;
  private readonly peers = new Set<string>();
  private readonly reasons = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly logger: Logger, private readonly server: string, private readonly now: () => number = Date.now) {}

  refused(error: Error & { code?: string }, socket: RefusedSocket | undefined): void {
    const at = this.now();
    if (at - this.windowStart >= TLS_REFUSAL_WINDOW_MS) {
      this.flush();
      this.windowStart = at;
      this.logged = 0;
    }
    const peer = socket?.remoteAddress ? `${socket.remoteAddress}${socket.remotePort ? `:${socket.remotePort}` : ''}` : 'unknown';
    const reason = refusalReason(error);
    countRefusal('tls', tlsRefusalCategory(reason));
    if (this.logged < TLS_REFUSALS_LOGGED_PER_WINDOW) {
      this.logged++;
      this.logger.warn(`${this.server}: TLS handshake refused`, { peer, reason, code: error.code ?? null });
      return;
    }
    this.suppressed++;
    this.peers.add(socket?.remoteAddress ?? 'unknown');
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.windowStart + TLS_REFUSAL_WINDOW_MS - at));
      this.timer.unref();
    }
  }

  /** Writes the summary of what was counted and not logged. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0) return;
    this.logger.warn(`${this.server}: TLS handshakes refused (more than ${TLS_REFUSALS_LOGGED_PER_WINDOW} in a minute; the rest counted)`, {
      count: this.suppressed, addresses: this.peers.size, peers: [...this.peers].slice(0, 10), reasons: Object.fromEntries(this.reasons),
    });
    this.suppressed = 0;
    this.peers.clear();
    this.reasons.clear();
  }
}
