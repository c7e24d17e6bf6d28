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

/** JSON lines to the log file, and to stdout too when `console` is set (the server). */
export function createLogger(config: Config, options: { console?: boolean } = {}): Logger {
  makePrivateDirSync(path.dirname(config.log.file));
  const transports: winston.transport[] = [new winston.transports.File({ filename: config.log.file, options: { flags: 'a', mode: PRIVATE_FILE_MODE } })];
  if (options.console) transports.push(new winston.transports.Console());
  return winston.createLogger({
    level: config.log.level,
    format: winston.format.combine(redactSecrets(), winston.format.timestamp(), winston.format.json()),
    transports,
  });
}

/** A logger that drops everything: for unit tests and pure helpers. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
