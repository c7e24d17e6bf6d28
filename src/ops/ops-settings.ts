import { SmtError } from '../core/errors';
import { integer } from '../config/config';

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
}

export function opsSettings(env: Env): OpsSettings {
  return {
    role: serveRole(env.SMT_ROLE, 'SMT_ROLE'),
    metricsHost: env.SMT_METRICS_HOST?.trim() || '127.0.0.1',
    metricsPort: env.SMT_METRICS_PORT?.trim() === 'off' ? null : integer(env, 'SMT_METRICS_PORT', 9464, 0, 65_535) || null,
    leaseMs: integer(env, 'SMT_LEASE_S', 60, 2, 3600) * 1000,
  };
}

/** A role named by SMT_ROLE or `smt serve --role`; unset: all. */
export function serveRole(value: string | undefined, source: string): ServeRole {
  const role = value?.trim() || 'all';
  if ((SERVE_ROLES as readonly string[]).includes(role)) return role as ServeRole;
  throw new SmtError(source === 'SMT_ROLE' ? 'CONFIG_INVALID' : 'INPUT_INVALID', `${source === 'SMT_ROLE' ? 'Setting SMT_ROLE' : '--role'} is "${role}"; allowed values: ${SERVE_ROLES.join(', ')}`, { setting: source });
}
