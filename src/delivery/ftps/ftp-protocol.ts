import type { ControlSession } from './control-session';

/**
 * What a command needs before it runs:
 * - any:   accepted on the plain connection (FEAT, AUTH, QUIT, NOOP, SYST);
 * - tls:   only once AUTH TLS succeeded, so no password ever crosses in clear;
 * - login: also after USER/PASS;
 * - data:  also after PBSZ 0 and PROT P, so every data connection is encrypted.
 */
export type Gate = 'any' | 'tls' | 'login' | 'data';

export interface FtpCommand {
  gate: Gate;
  run(session: ControlSession, arg: string): Promise<void> | void;
}

/** A refusal or failure a command handler ends with; the session sends it as the command's reply. */
export class FtpReplyError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'FtpReplyError';
  }
}

/**
 * One reply; several lines make an RFC 959 multi-line reply. Line breaks inside a text (a file
 * name the client chose, say) become spaces, so echoed input can never start a reply of its own.
 */
export function formatReply(code: number, text: string | string[]): string {
  const lines = (Array.isArray(text) ? text : [text]).map((line) => line.replace(/[\r\n]+/g, ' '));
  if (lines.length === 1) return `${code} ${lines[0]}\r\n`;
  const middle = lines.slice(1, -1).map((line) => ` ${line}`);
  return `${[`${code}-${lines[0]}`, ...middle, `${code} ${lines[lines.length - 1]}`].join('\r\n')}\r\n`;
}

/** 502 for anything not in the command table; active mode gets a hint, since clients fall back to passive on it. */
export function notImplementedReply(verb: string): FtpReplyError {
  const active = verb === 'PORT' || verb === 'EPRT';
  return new FtpReplyError(502, active ? 'Active mode is not supported; use EPSV or PASV' : `${verb.slice(0, 16)} is not implemented`);
}

/** The verb (upper case) and the argument: everything after the first space, kept as sent (paths and passwords may hold spaces). */
export function parseCommandLine(line: string): { verb: string; arg: string } {
  const space = line.indexOf(' ');
  const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  return { verb, arg: space < 0 ? '' : line.slice(space + 1) };
}

/**
 * Telnet IAC sequences: clients may send ABOR as "IAC IP IAC DM ABOR" (RFC 959 section 4.1.3).
 * Removed from the raw bytes before the line is read as UTF-8.
 */
export function stripTelnetCommands(line: Buffer): Buffer {
  if (!line.includes(0xff)) return line;
  const kept: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] === 0xff) {
      if (line[i + 1] === 0xff) kept.push(0xff);
      i++;
    } else {
      kept.push(line[i]!);
    }
  }
  return Buffer.from(kept);
}
