import { createApp } from './app';
import { commands } from './cli/commands';
import { endQuietlyWhenOutputCloses, parseCommandArgs, type Command, type Terminal } from './cli/command';
import { loadConfig } from './config/config';
import { errorMessage, isSmtError } from './core/errors';
import { PRIVATE_UMASK } from './core/private-files';
import { startWarnings } from './cli/start-warnings';
import { commandHelp, DATES_NOTE, groupHelp } from './cli/command-help';

const terminal: Terminal = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
};

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.join(' ').length));
  const lines = commands.map((c) => `  ${c.name.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'smt: the smart-meter data platform',
    '',
    'Usage: smt <command> [options]   (smt <command> --help for its options)',
    '',
    'Commands:',
    ...lines,
    '',
    DATES_NOTE,
    'Settings come from SMT_* environment variables (see docs/settings.md).',
    '',
  ].join('\n');
}

function findCommand(args: string[]): { command: Command; rest: string[] } | null {
  let best: { command: Command; rest: string[] } | null = null;
  for (const command of commands) {
    const n = command.name.length;
    if (args.length >= n && command.name.every((word, i) => args[i] === word)) {
      if (!best || n > best.command.name.length) best = { command, rest: args.slice(n) };
    }
  }
  return best;
}

export async function main(args: string[]): Promise<void> {
  process.umask(PRIVATE_UMASK);
  endQuietlyWhenOutputCloses([process.stdout, process.stderr], (status) => process.exit(status));
  process.exitCode = await runCli(args, terminal);
}

export async function runCli(args: string[], term: Terminal): Promise<number> {
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    term.out(helpText());
    return 0;
  }
  const found = findCommand(args);
  if (!found) {
    const group = commands.filter((c) => c.name.length > 1 && c.name[0] === args[0]);
    const asksHelp = args.length === 1 || args.slice(1).some((a) => a === '--help' || a === '-h' || a === 'help');
    if (group.length > 0 && asksHelp) {
      (args.length === 1 ? term.err : term.out)(groupHelp(args[0]!, group));
      return args.length === 1 ? 2 : 0;
    }
    term.err(`smt: unknown command "${args.join(' ')}".\n\n${group.length > 0 ? groupHelp(args[0]!, group) : helpText()}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    term.out(commandHelp(command));
    return 0;
  }
  let app: Awaited<ReturnType<typeof createApp>> | null = null;
  try {
    const parsed = parseCommandArgs(command, rest);
    const config = loadConfig();
    app = createApp(config, { logsToStdout: command.logsToStdout === true });
    for (const warning of startWarnings(config, command.name.join(' '))) {
      term.err(`smt: warning: ${warning}\n`);
      app.logger.warn(warning);
    }
    return await command.run(parsed, app, term);
  } catch (error) {
    if (isSmtError(error)) {
      term.err(`smt ${command.name.join(' ')}: ${error.message}\n`);
      return 2;
    }
    app?.logger.error('command failed', { command: command.name.join(' '), error: errorMessage(error), stack: (error as Error).stack });
    term.err(`smt ${command.name.join(' ')}: unexpected error: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await app?.close();
  }
}
