import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import type { Config } from '../config/config';
import { makePrivateDirSync, PRIVATE_FILE_MODE } from './private-files';

export type Logger = winston.Logger;

/** Keys whose values never reach a log line, whatever a caller passes. */
const SECRET_KEYS = /pass(word)?|secret|private|install_?code|passphrase|token/i;

const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.test(key)) info[key] = '[redacted]';
  }
  return info;
});

/** Each logger's log file, written through a stream of our own so that closeLogger can wait for it. */
const logFiles = new WeakMap<Logger, fs.WriteStream>();

/** JSON lines to the log file, and to stdout too when `console` is set (the server). */
export function createLogger(config: Config, options: { console?: boolean } = {}): Logger {
  makePrivateDirSync(path.dirname(config.log.file));
  const file = fs.createWriteStream(config.log.file, { flags: 'a', mode: PRIVATE_FILE_MODE });
  // A log file that cannot be written is said once; the work goes on without it.
  let said = false;
  file.on('error', (error) => {
    if (!said) process.stderr.write(`smt: the log file ${config.log.file} cannot be written: ${error.message}\n`);
    said = true;
  });
  const transports: winston.transport[] = [new winston.transports.Stream({ stream: file })];
  if (options.console) transports.push(new winston.transports.Console());
  const logger = winston.createLogger({
    level: config.log.level,
    format: winston.format.combine(redactSecrets(), winston.format.timestamp(), winston.format.json()),
    transports,
  });
  logFiles.set(logger, file);
  return logger;
}

/**
 * Ends the logger and returns once every line it took is written to the log file. winston's own
 * 'finish' comes when its transports have taken the lines, which for its file transport can be
 * before they reach the file: a command run in-process (runCli) would return with lines unwritten.
 */
export async function closeLogger(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
  });
  const file = logFiles.get(logger);
  if (file && !file.writableFinished) await new Promise<void>((resolve) => file.end(() => resolve()));
}

/** A logger that drops everything: for unit tests and pure helpers. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
