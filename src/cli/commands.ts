import type { Command } from './command';
import { dbMigrateCommand } from './db.command';
import { entityAddCommand, entityListCommand, entityUpdateCommand } from './entity.command';
import { ingestCommand } from './ingest.command';
import { keysExportPublicCommand } from './keys.command';
import { registryImportCommand } from './registry.command';
import { serveCommand } from './serve.command';
import { usageCommand } from './usage.command';

/** Every `smt` command, in the order `smt --help` lists them. */
export const commands: Command[] = [
  serveCommand,
  ingestCommand,
  usageCommand,
  registryImportCommand,
  entityAddCommand,
  entityUpdateCommand,
  entityListCommand,
  dbMigrateCommand,
  keysExportPublicCommand,
];
