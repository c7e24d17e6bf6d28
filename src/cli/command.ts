import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SmtError } from '../core/errors';
import type { App } from '../app';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Where a command writes: stdout for results, stderr for progress and messages. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  isTty: boolean;
}

export interface Command {
  /** Words that select the command, e.g. ['registry', 'import']. */
  name: string[];
  summary: string;
  usage: string;
  options: Options;
  allowPositionals: boolean;
  /** Long-running commands also write their log lines to stdout. */
  logsToStdout?: boolean;
  /** Returns the process exit status. */
  run(input: { values: Record<string, unknown>; positionals: string[] }, app: App, term: Terminal): Promise<number>;
}

export function parseCommandArgs(command: Command, args: string[]) {
  try {
    return parseArgs({ args, options: command.options, allowPositionals: command.allowPositionals, strict: true });
  } catch (error) {
    throw new SmtError('INPUT_INVALID', `${(error as Error).message}\nUsage: smt ${command.usage}`);
  }
}

/** Reads a required string option or explains which one is missing. */
export function requiredOption(values: Record<string, unknown>, name: string, command: Command): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new SmtError('INPUT_INVALID', `--${name} is required.\nUsage: smt ${command.usage}`);
  }
  return value;
}

/** Resolves when the process is asked to stop (Ctrl-C, or SIGTERM from a service manager). */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * When the reader of stdout or stderr goes away (`smt usage … | head -1`), nobody is left to read the
 * rest: the command ends there, quietly and with status 0, as a Unix tool stopped by SIGPIPE does
 * (Node ignores SIGPIPE, so without this the write fails with an EPIPE stack trace).
 */
export function endQuietlyWhenOutputCloses(streams: NodeJS.WritableStream[], exit: (status: number) => void): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      exit(0);
    });
  }
}
