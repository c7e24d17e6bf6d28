/**
 * The benchmarks' command lines (bench-*.ts, soak.ts): node's parseArgs, strict, plus --help. Each
 * script writes its usage in one place, listing every option with its default, as bench-ingest does.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export type BenchArgs<O extends Options> =
  | { kind: 'values'; values: ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'] }
  | { kind: 'help'; text: string }
  | { kind: 'error'; text: string };

/**
 * Parses `argv` against `options`: --help (or -h) asks for the usage; an unknown option, an option
 * without its value or a stray argument is an error naming it, followed by the usage.
 */
export function parseBenchArgs<O extends Options>(name: string, usage: string, options: O, argv: string[]): BenchArgs<O> {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: usage };
  try {
    return { kind: 'values', values: parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    const message = (error as Error).message;
    const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(message)?.[1] : undefined;
    return { kind: 'error', text: `${name}: ${unknown ? `unknown option ${unknown}` : message}\n${usage}` };
  }
}

/** parseBenchArgs for a script's own command line: prints the usage and exits 0 on --help, 2 on an error. */
export function benchArgs<O extends Options>(name: string, usage: string, options: O, argv = process.argv.slice(2)): Extract<BenchArgs<O>, { kind: 'values' }>['values'] {
  const parsed = parseBenchArgs(name, usage, options, argv);
  if (parsed.kind === 'values') return parsed.values;
  (parsed.kind === 'help' ? process.stdout : process.stderr).write(`${parsed.text}\n`);
  return process.exit(parsed.kind === 'help' ? 0 : 2);
}
