import type { Config } from '../config/config';
import { sqliteFile } from '../db/data-source';
import type { Command } from './command';

export const dbMigrateCommand: Command = {
  name: ['db', 'migrate'],
  summary: 'Create or update the database schema (also done on every start)',
  usage: 'db migrate',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const db = await app.db();
    const applied = await db.query('SELECT name FROM migrations');
    term.out(`Database schema is up to date (${applied.length} migration(s) applied) at ${describe(app.config)}.\n`);
    return 0;
  },
};

function describe(config: Config): string {
  return config.db.type === 'sqlite' ? sqliteFile(config) : `the ${config.db.type} server`;
}
