import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { Logger } from '../core/logger';
import type { PortalUser } from '../db/entities/portal-user.entity';
import type { RegistryService } from '../registry/registry.service';
import type { SigningCredentials } from '../security/ws-security.signer';
import type { ReportRequestService } from '../usage/report-request.service';
import type { UsageSource } from '../usage/usage.source';
import { AccountsService } from './accounts.service';
import { AuditLog } from './audit.log';
import { BusinessService } from './business.service';
import type { Viewer } from './energy-access';
import { EnergyDataService } from './energy-data.service';
import { ExportService } from './export.service';
import { ProfileService } from './profile.service';
import { LoginGuard } from './login-guard';
import { MailCatcher, smtpMailer } from './mailer';
import { ensurePortalDemo } from './portal-demo';
import { startPortalServer, type RunningPortal } from './portal-server';
import { SessionService } from './session.service';
import { withSharedMeters } from './friends/friend-viewer';
import { FriendsService } from './friends/friends.service';
import type { HanDeviceService } from '../han/han-device.service';
import { readMessageLog } from '../han/han-message-log';
import { HanPortalAccess } from '../han/han-portal-access';
import { UserAdminService } from './user-admin.service';

/** What the portal takes from the composition root (App provides all of it). */
export interface PortalDeps {
  config: Config;
  logger: Logger;
  db(): Promise<DataSource>;
  registry(): Promise<RegistryService>;
  usageSource(): Promise<UsageSource>;
  reportRequests(): Promise<ReportRequestService>;
  serverIdentity(): Promise<SigningCredentials>;
  hanDevices(): Promise<HanDeviceService>;
}

export interface StartedPortal extends RunningPortal {
  url: string;
  /** The development mail folder, when mail is caught rather than sent. */
  mailDir: string | null;
  /** <data>/demo/portal-logins.txt when demo accounts exist. */
  demoLogins: string | null;
}

/** Builds the portal's services on the platform's own (registry, usage source, database) and starts its HTTPS server. */
export async function startPortal(deps: PortalDeps): Promise<StartedPortal> {
  const settings = deps.config.portal;
  const db = await deps.db();
  const registry = await deps.registry();
  const identity = await deps.serverIdentity();
  let port = settings.port;
  const url = () => settings.publicUrl ?? `https://localhost:${port}`;
  const catcher = settings.smtpUrl === null ? new MailCatcher(path.join(deps.config.dataDir, 'mail'), settings.mailFrom) : null;
  const mailer = catcher ?? smtpMailer(settings.smtpUrl!, settings.mailFrom);
  const audit = new AuditLog(db);
  const lockMs = settings.lockMinutes * 60_000;
  const guard = new LoginGuard(db, deps.logger, { accountMaxFailures: settings.accountMaxFailures, addressMaxFailures: settings.addressMaxFailures, lockMs, windowMs: lockMs });
  const accounts = new AccountsService(db, registry, guard, mailer, audit, url);
  const sessions = new SessionService(db, SessionService.csrfKeyFrom(identity.privateKeyPem), {
    idleMs: settings.sessionIdleMinutes * 60_000, maxMs: settings.sessionMaxHours * 3_600_000, now: Date.now,
  });
  const viewerOf = async (user: PortalUser): Promise<Viewer> => {
    const participant = user.participantId === null ? undefined : (await registry.listParticipants()).find((p) => p.id === user.participantId);
    return { kind: user.kind, participantId: user.participantId, duns: new Set(participant?.duns ?? []), meters: user.kind === 'CUSTOMER' ? await accounts.meters(user.id) : [] };
  };
  const friends = new FriendsService(db, mailer, audit, url);
  const exports = new ExportService(db, () => deps.reportRequests(), registry, viewerOf, mailer, audit, url);
  // "Your export is ready": orders whose report requests finished are announced by whichever portal instance sees them first.
  const announcer = setInterval(() => void exports.announceFinished().catch((error: unknown) => deps.logger.error('portal: export announcement failed', { error: String(error) })), deps.config.reports.pollMs);
  announcer.unref();
  const demoLogins = await ensurePortalDemo(db, accounts, registry, deps.config.dataDir);
  const server = await startPortalServer({ accounts, sessions, audit, energy: new EnergyDataService(() => deps.usageSource()), viewerOf: withSharedMeters(viewerOf, friends), publicUrl: url,
    friends: { service: friends, ownViewerOf: viewerOf },
    han: { devices: await deps.hanDevices(), access: new HanPortalAccess(registry, () => new Date()), messageLog: (q) => readMessageLog(db, q), viewerOf },
    admins: new UserAdminService(db, accounts, mailer, audit, url), business: new BusinessService(db, accounts, audit), exports,
    profiles: new ProfileService(db, accounts, mailer, audit, url), catcher, logger: deps.logger },
    { host: settings.host, port: settings.port, certificatePem: identity.certificatePem, privateKeyPem: identity.privateKeyPem });
  port = server.port;
  return { ...server, close: async () => { clearInterval(announcer); await server.close(); await guard.close(); }, url: url(), mailDir: catcher?.dir ?? null, demoLogins };
}
