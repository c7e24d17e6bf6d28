import { formatDay } from '../core/cpt';
import type { PortalMeter } from '../db/entities/portal-meter.entity';
import type { PortalUserKind } from '../db/entities/portal-user.entity';
import { authorizedDays, type DayRange } from '../usage/report-access';
import { historyStart } from '../usage/report-request.rules';
import type { ReportType } from '../usage/usage-day';
import type { EsiidFacts } from '../usage/usage.source';

/** Who is looking: a portal user with what the session knows of her. */
export interface Viewer {
  kind: PortalUserKind;
  participantId: number | null;
  /** Every DUNS of the user's REP or TDSP; empty for customers and the regulator. */
  duns: ReadonlySet<string>;
  /** A customer's registered meters. */
  meters: readonly PortalMeter[];
}

/** The seed's history windows: customers and the regulator 13, 13 and 24 months; REPs and TDSPs the report engine's 48, 48, 24. */
export function earliestDay(viewer: Viewer, type: ReportType, today: string): string {
  if (viewer.kind === 'REP' || viewer.kind === 'TDSP') return historyStart(type, today);
  return monthsBefore(today, type === 'MONTHLY' ? 24 : 13);
}

/**
 * The days of [from, to] a viewer may see for one ESI ID. REPs and TDSPs get exactly what the
 * report engine gives them (the same function): a REP its REP-of-record days, a TDSP its
 * territory. The regulator sees every day. A customer sees a meter she registered from the start
 * of the REP-of-record stretch current when she registered it, never a previous occupant's days.
 */
export function viewerDays(viewer: Viewer, esiid: string, facts: EsiidFacts | undefined, from: string, to: string): DayRange[] {
  if (!facts) return [];
  if (viewer.kind === 'REP' || viewer.kind === 'TDSP') {
    if (viewer.participantId === null) return [];
    return authorizedDays({ participantId: viewer.participantId, kind: viewer.kind, duns: viewer.duns }, facts, from, to);
  }
  if (viewer.kind === 'REGULATOR') return authorizedDays({ kind: 'ALL' }, facts, from, to);
  const meter = viewer.meters.find((m) => m.esiid === esiid);
  if (!meter) return [];
  const start = meter.visibleFrom > from ? meter.visibleFrom : from;
  return start <= to ? [{ from: start, to }] : [];
}

function monthsBefore(today: string, n: number): string {
  const months = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - n;
  const year = Math.floor(months / 12), month = (months % 12) + 1;
  const day = Math.min(Number(today.slice(8, 10)), new Date(Date.UTC(year, month, 0)).getUTCDate());
  return formatDay(year, month, day);
}
