/**
 * Where the demo and the examples find a running platform: the same SMT_* settings `smt serve` reads
 * (SMT_DATA_DIR, SMT_SOAP_PORT, SMT_SOAP_PUBLIC_URL, SMT_FTPS_PORT, SMT_FTPS_PUBLIC_URL), so a platform
 * started on moved ports is found with the same exported variables. --data and --url override them.
 */
import path from 'node:path';
import { loadConfig } from '../../src/config/config';

export interface PlatformAddress {
  dataDir: string;
  /** The SOAP base URL, no trailing slash: services are <soapUrl>/MeterUsage, <soapUrl>/HAN. */
  soapUrl: string;
  ftpsHost: string;
  ftpsPort: number;
}

export function platformAddress(env: NodeJS.ProcessEnv = process.env, overrides: { data?: string } = {}): PlatformAddress {
  const config = loadConfig(env);
  const ftps = new URL(config.ftps.publicUrl);
  return {
    dataDir: path.resolve(overrides.data ?? config.dataDir),
    soapUrl: config.soap.publicUrl.replace(/\/+$/, ''),
    ftpsHost: ftps.hostname,
    ftpsPort: Number(ftps.port || 21),
  };
}

/** The usage lines every script prints for --help: its options and the settings it reads. */
export function addressHelp(service: string): string[] {
  return [
    '  --data DIR   the platform\'s data dir (default: SMT_DATA_DIR, or ./var)',
    `  --url URL    the ${service} service's address (default: SMT_SOAP_PUBLIC_URL, or https://localhost:SMT_SOAP_PORT, followed by /${service})`,
    'Settings read as smt serve reads them: SMT_DATA_DIR, SMT_SOAP_PORT, SMT_SOAP_PUBLIC_URL, SMT_FTPS_PORT, SMT_FTPS_PUBLIC_URL.',
  ];
}
