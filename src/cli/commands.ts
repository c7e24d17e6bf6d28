import type { Command } from './command';
import { dbMigrateCommand } from './db.command';

/** Every `smt` command, in the order `smt --help` lists them. */
export const commands: Command[] = [dbMigrateCommand];
