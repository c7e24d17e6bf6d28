import type { PortalMeter } from '../../db/entities/portal-meter.entity';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import type { Viewer } from '../energy-access';
import type { FriendsService } from './friends.service';

/**
 * The viewer of the usage pages and Green Button downloads: a customer's own meters plus those shared
 * with her today, each from its owner's first visible day, under the same 13-month window. HAN pages
 * keep the plain viewer: a friend reads usage, never acts on devices.
 */
export function withSharedMeters(viewerOf: (user: PortalUser) => Promise<Viewer>, friends: FriendsService): (user: PortalUser) => Promise<Viewer> {
  return async (user) => {
    const viewer = await viewerOf(user);
    if (user.kind !== 'CUSTOMER') return viewer;
    const shared = (await friends.sharedWith(user.id)).filter((s) => !viewer.meters.some((m) => m.esiid === s.esiid));
    if (shared.length === 0) return viewer;
    const meters = shared.map((s): PortalMeter => ({ id: 0, userId: user.id, esiid: s.esiid, description: `shared by ${s.ownerName} until ${s.endDate}`, visibleFrom: s.visibleFrom, registeredAt: '' }));
    return { ...viewer, meters: [...viewer.meters, ...meters] };
  };
}
