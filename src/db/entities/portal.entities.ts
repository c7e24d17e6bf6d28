import { PortalAudit } from './portal-audit.entity';
import { PortalCompany, PortalCompanyMeter, PortalMeterGrant } from './portal-company.entity';
import { PortalExport } from './portal-export.entity';
import { PortalFriend, PortalFriendInvite } from './portal-friend.entity';
import { PortalMeter } from './portal-meter.entity';
import { PortalSession } from './portal-session.entity';
import { PortalToken } from './portal-token.entity';
import { PortalUser } from './portal-user.entity';

/** The web portal's tables, listed once for the data source. */
export const portalEntities = [PortalUser, PortalMeter, PortalSession, PortalToken, PortalAudit, PortalCompany, PortalCompanyMeter, PortalMeterGrant, PortalExport, PortalFriendInvite, PortalFriend];
