import { SmtError } from '../core/errors';
import { clockTime, integer } from '../config/config';

type Env = Record<string, string | undefined>;

export const SERVE_ROLES = ['all', 'api', 'worker'] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];

/** How `smt serve` instances share the work, and the per-instance health and metrics port (see docs/operations.md). */
export interface OpsSettings {
  /** What `smt serve` runs: api (SOAP, FTPS, portal), worker (reports, outbox, inbound files, scheduler) or all. */
  role: ServeRole;
  metricsHost: string;
  /** null: no health and metrics server (SMT_METRICS_PORT=0 or off). */
  metricsPort: number | null;
  /** How long a lease (a scheduled job, an uploaded file) lasts without renewal: how soon another instance takes over a dead one's. */
  leaseMs: number;
  /** HH:MM CPT from which the worker's scheduler writes each TDSP's Missing Consumption Report for the day. */
  missingConsumptionTime: string;
  /** HH:MM CPT from which the worker's scheduler produces the day's Supplemental AMS Interval Data Extract. */
  extractTime: string;
  /** How often each instance re-reads the daily load statistics it exports as metrics (scrapes read the cached figures). */
  loadStatsRefreshMs: number;
  /** Receipt days exported as load statistics metrics: today (days_ago 0) and the days before it. */
  loadStatsDays: number;
}

export function opsSettings(env: Env): OpsSettings {
  return {
    role: serveRole(env.SMT_ROLE, 'SMT_ROLE'),
    metricsHost: env.SMT_METRICS_HOST?.trim() || '127.0.0.1',
    metricsPort: env.SMT_METRICS_PORT?.trim() === 'off' ? null : integer(env, 'SMT_METRICS_PORT', 9464, 0, 65_535) || null,
    leaseMs: integer(env, 'SMT_LEASE_S', 60, 2, 3600) * 1000,
    missingConsumptionTime: clockTime(env, 'SMT_MISSING_CONSUMPTION_TIME', '07:00'),
    extractTime: clockTime(env, 'SMT_EXTRACT_TIME', '07:00'),
    loadStatsRefreshMs: integer(env, 'SMT_LOAD_STATS_REFRESH_S', 300, 5, 86_400) * 1000,
    loadStatsDays: integer(env, 'SMT_LOAD_STATS_DAYS', 2, 1, 7),
  };
}

/** A role named by SMT_ROLE or `smt serve --role`; unset: all. */
export function serveRole(value: string | undefined, source: string): ServeRole {
  const role = value?.trim() || 'all';
  if ((SERVE_ROLES as readonly string[]).includes(role)) return role as ServeRole;
  throw new SmtError(source === 'SMT_ROLE' ? 'CONFIG_INVALID' : 'INPUT_INVALID', `${source === 'SMT_ROLE' ? 'Setting SMT_ROLE' : '--role'} is "${role}"; allowed values: ${SERVE_ROLES.join(', ')}`, { setting: source });
}
