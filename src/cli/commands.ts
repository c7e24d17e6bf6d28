import { certRevokeCommand } from './cert.command';
import type { Command } from './command';
import { dbMigrateCommand } from './db.command';
import { dispatchesCommand } from './dispatches.command';
import { entityAddCommand, entityListCommand, entityUpdateCommand } from './entity.command';
import { entitySetPasswordCommand } from './entity-password.command';
import { ingestCommand } from './ingest.command';
import { hanLogCommand } from './han-log.command';
import { auditCommand } from './audit.command';
import { keysExportPublicCommand } from './keys.command';
import { mockTdspCommand } from './mock-tdsp.command';
import { pkiInitCommand, pkiIssueCommand } from './pki.command';
import { postDailyCommand } from './post-daily.command';
import { portalUserAddCommand, portalUserDisableCommand, portalUserListCommand } from './portal-user.command';
import { registryImportCommand } from './registry.command';
import { registryShowCommand } from './registry-show.command';
import { reportCommand } from './report.command';
import { reportsRunCommand } from './reports-run.command';
import { requestsCommand } from './requests.command';
import { retentionCommand } from './retention.command';
import { serveCommand } from './serve.command';
import { starterKitCommand } from './starter-kit.command';
import { usageCommand } from './usage.command';
import { veeCommand } from './vee.command';
import { veeTotalsCommand } from './vee-totals.command';
import { missingConsumptionCommand } from './missing-consumption.command';
import { dataGapsCommand } from './data-gaps.command';
import { statsCommand } from './stats.command';
import { estimateCommand } from './estimate.command';
import { extractListCommand, extractRunCommand, extractSubscribeCommand, extractUnsubscribeCommand } from './extract.command';

/** Every `smt` command, in the order `smt --help` lists them. */
export const commands: Command[] = [
  serveCommand,
  ingestCommand,
  usageCommand,
  reportCommand,
  requestsCommand,
  reportsRunCommand,
  postDailyCommand,
  retentionCommand,
  registryImportCommand,
  registryShowCommand,
  entityAddCommand,
  entityUpdateCommand,
  entityListCommand,
  entitySetPasswordCommand,
  pkiInitCommand,
  pkiIssueCommand,
  certRevokeCommand,
  hanLogCommand,
  veeCommand,
  veeTotalsCommand,
  missingConsumptionCommand,
  dataGapsCommand,
  statsCommand,
  estimateCommand,
  extractSubscribeCommand,
  extractUnsubscribeCommand,
  extractListCommand,
  extractRunCommand,
  auditCommand,
  portalUserAddCommand,
  portalUserListCommand,
  portalUserDisableCommand,
  dispatchesCommand,
  starterKitCommand,
  mockTdspCommand,
  dbMigrateCommand,
  keysExportPublicCommand,
];
