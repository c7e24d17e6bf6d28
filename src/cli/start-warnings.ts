import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../core/private-files';
import { sqliteFile } from '../db/data-source';
import { platformKeyPaths } from '../delivery/platform-key';
import { developmentPkiPaths } from '../security/dev-pki';

/**
 * What every command checks before it runs: the data dir, the database and the key files must be
 * the platform user's alone. Each one found open to others gives one warning naming the path, its
 * mode and the chmod that closes it. `smt serve` also warns when it tells callers a plain-HTTP address.
 */
export function startWarnings(config: Config, command: string): string[] {
  const warnings = loosenedPaths(config).map(({ file, mode, dir }) =>
    `${file} is open to other users (mode ${octal(mode)}); run: chmod ${octal(dir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE).slice(1)} ${file}`);
  if (command === 'serve' && config.soap.publicUrl.startsWith('http://')) {
    warnings.push(`SMT_SOAP_PUBLIC_URL is ${config.soap.publicUrl}: the WSDLs, the starter kit and the callback address given to TDSPs send callers over plain HTTP, without the mutual TLS the SOAP server requires; set an https:// URL`);
  }
  return warnings;
}

/** The files whose exposure gives away usage data, password hashes or the platform's identity. */
function guardedPaths(config: Config): string[] {
  const pki = developmentPkiPaths(config.dataDir);
  const files = [
    config.dataDir,
    pki.caKeyPath, pki.serverKeyPath, path.join(pki.dir, 'platform-client.key'), path.join(pki.dir, 'mock-tdsp.key'),
    platformKeyPaths(config.dataDir).privatePath,
    config.security.serverKeyFile, config.tdsp.clientKeyFile, config.tdsp.signingKeyFile,
  ];
  if (config.db.type === 'sqlite') {
    const database = sqliteFile(config);
    files.push(database, `${database}-wal`, `${database}-shm`);
  }
  return [...new Set(files.filter((f): f is string => f !== null))];
}

function loosenedPaths(config: Config): { file: string; mode: number; dir: boolean }[] {
  const found: { file: string; mode: number; dir: boolean }[] = [];
  for (const file of guardedPaths(config)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // not there (yet): nothing to warn about
    }
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) found.push({ file, mode, dir: stat.isDirectory() });
  }
  return found;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;
