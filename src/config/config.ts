import path from 'node:path';
import { SmtError } from '../core/errors';
import { portalSettings, type PortalSettings } from './portal-settings';
import { veeSettings, type VeeSettings } from '../vee/vee-settings';
import { opsSettings, type OpsSettings } from '../ops/ops-settings';

export type DbType = 'sqlite' | 'postgres' | 'mssql';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** The whole configuration, read once from SMT_* variables at start. See docs/settings.md. */
export interface Config {
  dataDir: string;
  db: { type: DbType; url: string | null };
  log: { level: LogLevel; file: string };
  ingest: { maxFileBytes: number; parseBatchRecords: number; parseThreads: number };
  reports: {
    concurrency: number;
    /** Threads building one report's CSV. */
    csvThreads: number;
    pollMs: number;
    maxFileCsvBytes: number;
    compressionLevel: number;
    retentionDays: number;
    claimTimeoutMs: number;
    dailyPostingTime: string;
    /** Ad-hoc requests one participant may have waiting or in production at once. */
    maxQueuedPerParticipant: number;
    /** Estimated CSV rows one participant may ask for in any 24 hours (ad-hoc requests). */
    maxRowsPerParticipant24h: number;
    /** Production pauses while the FTPS root's file system has less free space than this; 0: never. */
    minFreeBytes: number;
  };
  /** null: client certificates must chain to the development CA in <dataDir>/pki/ca.crt. */
  security: {
    clientCaFile: string | null;
    /** The server's TLS certificate and key (PEM); null: the development PKI's. */
    serverCertFile: string | null;
    serverKeyFile: string | null;
  };
  /** publicUrl: the base URL integrators call (no trailing slash); services live under it, e.g. <publicUrl>/MeterUsage. */
  soap: {
    publicUrl: string;
    host: string;
    port: number;
    maxBodyBytes: number;
    clockSkewSeconds: number;
    timestampWindowSeconds: number;
    allowSha1: boolean;
    securityThreads: number;
    /** Caps checked on a request's bytes before it is parsed or verified (xml-limits.rules.ts). */
    maxElements: number;
    maxAttributesPerElement: number;
    maxNamespacesInScope: number;
    /** A signature verification running longer is abandoned and its thread replaced. */
    verifyBudgetMs: number;
    /** Replay records (accepted signatures) kept in the database at most. */
    replayMaxEntries: number;
  };
  /** Calls to the TDSPs' HAN services; null files: the development PKI's platform client certificate, and the system CAs plus the development CA. */
  tdsp: {
    clientCertFile: string | null;
    clientKeyFile: string | null;
    /** The certificate and key that sign the platform's requests to TDSPs; null: the server's (security.serverCertFile). */
    signingCertFile: string | null;
    signingKeyFile: string | null;
    caFile: string | null;
    timeoutMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    concurrency: number;
    pollMs: number;
  };
  /** HAN message requests a REP may make per minute (counted in the database); 0: no limit. */
  han: { messagesPerMinute: number };
  /** The mock TDSP `smt serve` runs in development mode (auto: when the demo TDSP exists). */
  mockTdsp: {
    mode: 'auto' | 'off';
    host: string;
    port: number;
    behaviourFile: string | null;
  };
  /** The FTPS site (explicit TLS): passivePorts is the inclusive range data connections listen on. */
  /** The web portal (HTTPS) and its mail. */
  portal: PortalSettings;
  /** The VEE data-quality rules run over each loaded file (docs/data-quality.md). */
  vee: VeeSettings;
  /** Several instances: the serve role, leases, and the health and metrics port. */
  ops: OpsSettings;
  ftps: {
    host: string;
    port: number;
    /** The FTPS address as integrators reach it (no trailing slash), e.g. ftp://smt.example.com:2121: curl --ssl-reqd uses it. */
    publicUrl: string;
    passivePorts: [number, number];
    requireClientCertificate: boolean;
    maxUploadMb: number;
    idleTimeoutS: number;
    /** Control connections at once; those not logged in may hold half, and per address `maxConnectionsPerIp`. */
    maxConnections: number;
    maxConnectionsPerIp: number;
    /** From connecting to a successful login (AUTH TLS included). */
    loginTimeoutS: number;
  };
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const dataDir = path.resolve(text(env, 'SMT_DATA_DIR', './var'));
  const dbType = oneOf(env, 'SMT_DB_TYPE', ['sqlite', 'postgres', 'mssql'] as const, 'sqlite');
  const dbUrl = env.SMT_DB_URL?.trim() || null;
  if (dbType !== 'sqlite' && !dbUrl) {
    throw invalid('SMT_DB_URL', `is required when SMT_DB_TYPE=${dbType} (e.g. ${exampleUrl(dbType)})`);
  }
  for (const [cert, key] of [['SMT_SERVER_CERT_FILE', 'SMT_SERVER_KEY_FILE'], ['SMT_TDSP_CLIENT_CERT_FILE', 'SMT_TDSP_CLIENT_KEY_FILE'],
    ['SMT_TDSP_SIGNING_CERT_FILE', 'SMT_TDSP_SIGNING_KEY_FILE']]) {
    if (!optionalFile(env, cert!) !== !optionalFile(env, key!)) {
      throw invalid(key!, `and ${cert} go together: set both (a certificate and its private key) or neither`);
    }
  }
  const soapPort = integer(env, 'SMT_SOAP_PORT', 8443, 0, 65_535);
  return {
    dataDir,
    db: { type: dbType, url: dbUrl },
    log: {
      level: oneOf(env, 'SMT_LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
      file: path.resolve(dataDir, text(env, 'SMT_LOG_FILE', 'logs/smt.log')),
    },
    ingest: {
      maxFileBytes: integer(env, 'SMT_INGEST_MAX_FILE_MB', 512, 1, 100_000) * 1024 * 1024,
      // PostgreSQL: fewer, larger batches, as each batch's look-ups cost round trips to the server.
      parseBatchRecords: integer(env, 'SMT_INGEST_BATCH_RECORDS', dbType === 'postgres' ? 10_000 : 2000, 1, 50_000),
      parseThreads: integer(env, 'SMT_INGEST_PARSE_THREADS', 2, 1, 8),
    },
    reports: {
      concurrency: integer(env, 'SMT_REPORT_CONCURRENCY', 1, 1, 16),
      csvThreads: integer(env, 'SMT_REPORT_CSV_THREADS', 1, 1, 16),
      pollMs: integer(env, 'SMT_REPORT_POLL_MS', 1000, 50, 600_000),
      maxFileCsvBytes: integer(env, 'SMT_REPORT_MAX_FILE_MB', 1024, 1, 100_000) * 1024 * 1024,
      compressionLevel: integer(env, 'SMT_REPORT_COMPRESSION_LEVEL', 1, 0, 9),
      retentionDays: integer(env, 'SMT_RETENTION_DAYS', 10, 1, 3650),
      claimTimeoutMs: integer(env, 'SMT_REPORT_CLAIM_TIMEOUT_S', 120, 1, 86_400) * 1000,
      dailyPostingTime: clockTime(env, 'SMT_DAILY_POSTING_TIME', '06:00'),
      maxQueuedPerParticipant: integer(env, 'SMT_REPORT_MAX_QUEUED_PER_PARTICIPANT', 20, 1, 100_000),
      maxRowsPerParticipant24h: integer(env, 'SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H', 100_000_000, 1, 1_000_000_000_000),
      minFreeBytes: integer(env, 'SMT_REPORT_MIN_FREE_MB', 1024, 0, 1_000_000_000) * 1024 * 1024,
    },
    security: {
      clientCaFile: optionalFile(env, 'SMT_CLIENT_CA_FILE'),
      serverCertFile: optionalFile(env, 'SMT_SERVER_CERT_FILE'),
      serverKeyFile: optionalFile(env, 'SMT_SERVER_KEY_FILE'),
    },
    soap: {
      publicUrl: publicUrl(env, 'SMT_SOAP_PUBLIC_URL', `https://localhost:${soapPort}`),
      host: text(env, 'SMT_SOAP_HOST', '127.0.0.1'),
      port: soapPort,
      maxBodyBytes: integer(env, 'SMT_SOAP_MAX_BODY_MB', 4, 1, 64) * 1024 * 1024,
      clockSkewSeconds: integer(env, 'SMT_SOAP_CLOCK_SKEW_S', 300, 0, 3600),
      timestampWindowSeconds: integer(env, 'SMT_SOAP_TIMESTAMP_WINDOW_S', 300, 1, 3600),
      allowSha1: oneOf(env, 'SMT_SOAP_ALLOW_SHA1', ['false', 'true'] as const, 'false') === 'true',
      securityThreads: integer(env, 'SMT_SOAP_SECURITY_THREADS', 2, 1, 16),
      maxElements: integer(env, 'SMT_SOAP_MAX_ELEMENTS', 60_000, 100, 2_000_000),
      maxAttributesPerElement: integer(env, 'SMT_SOAP_MAX_ATTRIBUTES', 32, 4, 1024),
      maxNamespacesInScope: integer(env, 'SMT_SOAP_MAX_NAMESPACES', 64, 8, 4096),
      verifyBudgetMs: integer(env, 'SMT_SOAP_VERIFY_BUDGET_MS', 2000, 50, 600_000),
      replayMaxEntries: integer(env, 'SMT_SOAP_REPLAY_MAX_ENTRIES', 1_000_000, 1000, 100_000_000),
    },
    tdsp: {
      clientCertFile: optionalFile(env, 'SMT_TDSP_CLIENT_CERT_FILE'),
      clientKeyFile: optionalFile(env, 'SMT_TDSP_CLIENT_KEY_FILE'),
      signingCertFile: optionalFile(env, 'SMT_TDSP_SIGNING_CERT_FILE'),
      signingKeyFile: optionalFile(env, 'SMT_TDSP_SIGNING_KEY_FILE'),
      caFile: optionalFile(env, 'SMT_TDSP_CA_FILE'),
      timeoutMs: integer(env, 'SMT_TDSP_TIMEOUT_S', 30, 1, 600) * 1000,
      maxAttempts: integer(env, 'SMT_TDSP_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseMs: integer(env, 'SMT_TDSP_RETRY_BASE_MS', 5000, 10, 3_600_000),
      concurrency: integer(env, 'SMT_TDSP_CONCURRENCY', 16, 1, 256),
      pollMs: integer(env, 'SMT_TDSP_POLL_MS', 1000, 10, 600_000),
    },
    han: { messagesPerMinute: integer(env, 'SMT_HAN_MESSAGES_PER_MINUTE', 60, 0, 100_000) },
    mockTdsp: {
      mode: oneOf(env, 'SMT_MOCK_TDSP', ['auto', 'off'] as const, 'auto'),
      host: text(env, 'SMT_MOCK_TDSP_HOST', '127.0.0.1'),
      port: integer(env, 'SMT_MOCK_TDSP_PORT', 9443, 0, 65_535),
      behaviourFile: optionalFile(env, 'SMT_MOCK_TDSP_BEHAVIOUR'),
    },
    ftps: ftpsSettings(env),
    portal: portalSettings(env),
    vee: veeSettings(env),
    ops: opsSettings(env),
  };
}

function ftpsSettings(env: Env): Config['ftps'] {
  const port = integer(env, 'SMT_FTPS_PORT', 2121, 0, 65_535);
  const passivePorts = portRange(env, 'SMT_FTPS_PASSIVE_PORTS', '30000-30049');
  if (port >= passivePorts[0] && port <= passivePorts[1]) {
    throw invalid('SMT_FTPS_PASSIVE_PORTS', `(${passivePorts.join('-')}) includes SMT_FTPS_PORT ${port}; choose a range without the control port`);
  }
  return {
    host: text(env, 'SMT_FTPS_HOST', '127.0.0.1'),
    port,
    publicUrl: ftpPublicUrl(env, 'SMT_FTPS_PUBLIC_URL', `ftp://localhost:${port}`),
    passivePorts,
    requireClientCertificate: oneOf(env, 'SMT_FTPS_REQUIRE_CLIENT_CERT', ['false', 'true'] as const, 'false') === 'true',
    maxUploadMb: integer(env, 'SMT_FTPS_MAX_UPLOAD_MB', 512, 1, 100_000),
    idleTimeoutS: integer(env, 'SMT_FTPS_IDLE_TIMEOUT_S', 300, 1, 86_400),
    maxConnections: integer(env, 'SMT_FTPS_MAX_CONNECTIONS', 256, 2, 100_000),
    maxConnectionsPerIp: integer(env, 'SMT_FTPS_MAX_CONNECTIONS_PER_IP', 8, 1, 100_000),
    loginTimeoutS: integer(env, 'SMT_FTPS_LOGIN_TIMEOUT_S', 30, 1, 3_600),
  };
}

/** FIRST-LAST (inclusive) or a single port; ports below 1024 need privileges a platform process should not have. */
function portRange(env: Env, name: string, fallback: string): [number, number] {
  const value = text(env, name, fallback);
  const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(value);
  const low = match ? Number(match[1]) : NaN;
  const high = match ? Number(match[2] ?? match[1]) : NaN;
  if (!(low >= 1024 && high <= 65_535 && low <= high)) {
    throw invalid(name, `is "${value}"; expected a port range FIRST-LAST between 1024 and 65535, e.g. 30000-30049`);
  }
  return [low, high];
}

function exampleUrl(type: DbType): string {
  return type === 'postgres'
    ? 'postgres://smt:secret@127.0.0.1:5432/smt'
    : 'mssql://smt:secret@db.example:1433/smt';
}

function invalid(name: string, problem: string): SmtError {
  return new SmtError('CONFIG_INVALID', `Setting ${name} ${problem}`, { setting: name });
}

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(name, `is "${value}"; allowed values: ${allowed.join(', ')}`);
}

/** An http(s) URL without query or fragment; a trailing slash is dropped so paths can be appended. */
function publicUrl(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  if (!value) return fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(name, `is "${value}"; expected a URL such as https://smt.example.com:8443`);
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw invalid(name, `is "${value}"; expected an https:// (or http://) URL without credentials, query or fragment`);
  }
  return value.replace(/\/+$/, '');
}

/** An ftp:// URL (explicit TLS is negotiated on it: curl --ssl-reqd) without credentials, path, query or fragment. */
function ftpPublicUrl(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  if (!value) return fallback;
  const expected = 'expected ftp://HOST[:PORT] without credentials, path, query or fragment, e.g. ftp://smt.example.com:2121 (explicit TLS: clients use curl --ssl-reqd; ftps:// would mean implicit TLS, which the site does not speak)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(name, `is "${value}"; ${expected}`);
  }
  if (url.protocol !== 'ftp:' || url.search || url.hash || url.username || url.password || !['', '/'].includes(url.pathname)) {
    throw invalid(name, `is "${value}"; ${expected}`);
  }
  return value.replace(/\/+$/, '');
}

function optionalFile(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? path.resolve(value) : null;
}

export function clockTime(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw invalid(name, `is "${value}"; expected HH:MM (24-hour, Central Prevailing Time)`);
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value)) throw invalid(name, `is "${value}"; expected a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw invalid(name, `is ${n}; expected ${min} to ${max}`);
  return n;
}
