import type { PortalUser } from '../db/entities/portal-user.entity';

/** The portal functions an administrator grants to REP, TDSP and regulatory users. */
export type PortalFunction = 'USAGE' | 'HAN' | 'MESSAGE_LOG';

export const PORTAL_FUNCTIONS: readonly PortalFunction[] = ['USAGE', 'HAN', 'MESSAGE_LOG'];

export const FUNCTION_NAMES: Record<PortalFunction, string> = {
  USAGE: 'Energy data (views and exports)',
  HAN: 'HAN devices',
  MESSAGE_LOG: 'HAN messaging log',
};

/** Reads the stored list (comma-separated); unknown words are dropped. */
export function parseFunctions(stored: string | null | undefined): Set<PortalFunction> {
  const known = new Set<string>(PORTAL_FUNCTIONS);
  return new Set((stored ?? '').split(',').map((f) => f.trim()).filter((f): f is PortalFunction => known.has(f)));
}

export function formatFunctions(functions: Iterable<PortalFunction>): string {
  const set = new Set(functions);
  return PORTAL_FUNCTIONS.filter((f) => set.has(f)).join(',');
}

/**
 * Whether a user may use a portal function. Customers (residential and business) and friends always
 * have usage and HAN for the meters they may see (which meters is decided elsewhere) and never the
 * message log, which is a REP's. REP and TDSP staff have what their administrator granted. The
 * regulator reads usage (and the message log when granted) but never acts on HAN devices.
 */
export function canUse(user: Pick<PortalUser, 'kind' | 'functions'>, fn: PortalFunction): boolean {
  if (user.kind === 'REP' || user.kind === 'TDSP') return parseFunctions(user.functions).has(fn);
  if (user.kind === 'REGULATOR') return fn !== 'HAN' && parseFunctions(user.functions).has(fn);
  return fn === 'USAGE' || fn === 'HAN';
}
