import { In, type EntityManager } from 'typeorm';
import { PortalCompanyMeter, PortalMeterGrant } from '../db/entities/portal-company.entity';
import type { PortalMeter } from '../db/entities/portal-meter.entity';
import type { PortalUser } from '../db/entities/portal-user.entity';

/**
 * The meters a business customer's user sees, shaped as her own meters: the company's administrator
 * and users with "all meters" every meter of the company, other users only those granted to them.
 */
export async function companyMetersOf(m: EntityManager, user: Pick<PortalUser, 'id' | 'companyId' | 'admin' | 'allMeters'>): Promise<PortalMeter[]> {
  if (user.companyId === null) return [];
  const where: Record<string, unknown> = { companyId: user.companyId };
  if (!user.admin && !user.allMeters) {
    const granted = (await m.find(PortalMeterGrant, { where: { userId: user.id } })).map((g) => g.esiid);
    if (granted.length === 0) return [];
    where.esiid = In(granted);
  }
  const meters = await m.find(PortalCompanyMeter, { where, order: { esiid: 'ASC' } });
  return meters.map((c) => ({ id: c.id, userId: user.id, esiid: c.esiid, description: c.description, visibleFrom: c.visibleFrom, registeredAt: c.registeredAt }));
}

/** Adds a meter to a company (its administrator's "Add a Smart Meter", or registration); nothing when it is there already. */
export async function addCompanyMeter(m: EntityManager, companyId: number, meter: { esiid: string; visibleFrom: string }, description: string): Promise<void> {
  if (await m.existsBy(PortalCompanyMeter, { companyId, esiid: meter.esiid })) return;
  await m.insert(PortalCompanyMeter, { companyId, esiid: meter.esiid, description: description.trim().slice(0, 60), visibleFrom: meter.visibleFrom, registeredAt: new Date().toISOString() });
}
