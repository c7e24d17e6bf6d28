import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { PortalUser } from '../db/entities/portal-user.entity';
import type { Logger } from '../core/logger';
import type { AccountsService } from './accounts.service';
import type { AuditLog } from './audit.log';
import type { BusinessService } from './business.service';
import type { Viewer } from './energy-access';
import type { EnergyDataService } from './energy-data.service';
import type { ExportService } from './export.service';
import type { ProfileService } from './profile.service';
import { friendsRoutes, type PortalFriends } from './friends/friends.routes';
import { greenButtonRoutes } from './green-button/green-button.routes';
import { hanRoutes, type PortalHan } from './han/han.routes';
import { messageLogRoutes } from './han/message-log.routes';
import { html } from './html';
import type { MailCatcher } from './mailer';
import { accountRoutes } from './pages/account.routes';
import { businessRoutes } from './pages/business.routes';
import { devRoutes } from './pages/dev.routes';
import { exportRoutes } from './pages/exports.routes';
import { meterRoutes } from './pages/meters.routes';
import { profileRoutes } from './pages/profile.routes';
import { publicRoutes } from './pages/public.routes';
import { usageRoutes } from './pages/usage.routes';
import { userRoutes } from './pages/users.routes';
import { page, sessionMiddleware } from './portal-context';
import { securityHeaders } from './security-headers';
import type { SessionService } from './session.service';
import type { UserAdminService } from './user-admin.service';

export interface PortalServices {
  accounts: AccountsService;
  sessions: SessionService;
  audit: AuditLog;
  energy: EnergyDataService;
  admins: UserAdminService;
  business: BusinessService;
  exports: ExportService;
  profiles: ProfileService;
  viewerOf: (user: PortalUser) => Promise<Viewer>;
  /** The portal's public URL (links in mail and in Green Button feeds). */
  publicUrl: () => string;
  /** Customers sharing meters with friends (src/portal/friends/); `viewerOf` above includes what is shared with a customer. */
  friends: PortalFriends;
  /** HAN devices and the messaging log (src/portal/han/). */
  han: PortalHan;
  /** The development mail catcher, when mail is not sent over SMTP. */
  catcher: MailCatcher | null;
  logger: Logger;
}

export interface RunningPortal {
  port: number;
  close(): Promise<void>;
}

/** The portal's express app: headers, sessions and CSRF first, then the pages. */
export function portalApp(s: PortalServices): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders);
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  app.use(sessionMiddleware(s.sessions, (id) => s.accounts.user(id), s.catcher !== null));
  const address = (req: Request) => req.socket.remoteAddress ?? 'unknown';
  app.use(publicRoutes(s.sessions));
  app.use(accountRoutes(s.accounts, s.sessions, s.audit, address));
  app.use(meterRoutes(s.accounts, s.sessions, address));
  app.use(profileRoutes(s.accounts, s.profiles, s.sessions, address));
  app.use(usageRoutes(s.energy, s.viewerOf, s.sessions, s.audit, address));
  app.use(greenButtonRoutes(s.energy, s.viewerOf, s.sessions, s.audit, address, s.publicUrl));
  app.use(hanRoutes(s.han, s.sessions));
  app.use(friendsRoutes(s.friends, s.accounts, s.sessions, address));
  app.use(messageLogRoutes(s.han, s.sessions));
  app.use(userRoutes(s.admins, s.sessions, address));
  app.use(businessRoutes(s.business, s.sessions, address));
  app.use(exportRoutes(s.exports, s.sessions, s.audit, address));
  if (s.catcher) app.use(devRoutes(s.catcher, s.sessions));
  app.use((req, res) => page(req, res.status(404), s.sessions, 'Page not found', html`<p>There is no such page. <a href="/">Home</a></p>`));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) return void res.status(status).type('text').send('Request refused.');
    const ref = Math.random().toString(36).slice(2, 10);
    s.logger.error('portal: request failed', { ref, path: req.path, error: error instanceof Error ? error.stack : String(error) });
    res.status(500).type('text').send(`Something went wrong on our side (reference ${ref}).`);
  });
  return app;
}

export async function startPortalServer(s: PortalServices, options: { host: string; port: number; certificatePem: string; privateKeyPem: string }): Promise<RunningPortal> {
  const server = https.createServer({ cert: options.certificatePem, key: options.privateKeyPem, minVersion: 'TLSv1.2' }, portalApp(s));
  // Longer than Node's 5 s, so a browser's (or a client agent's) idle keep-alive socket is not closed as it is reused.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 40_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
