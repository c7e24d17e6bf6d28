import type { DataSource } from 'typeorm';
import type { Config } from './config/config';
import { createLogger, type Logger } from './core/logger';
import { openDatabase } from './db/data-source';

/**
 * The composition root: the one place that creates concrete adapters and wires services.
 * Everything is created on first use, so a command only opens what it needs.
 */
export class App {
  readonly logger: Logger;
  private database: Promise<DataSource> | null = null;

  constructor(readonly config: Config) {
    this.logger = createLogger(config);
  }

  db(): Promise<DataSource> {
    this.database ??= openDatabase(this.config);
    return this.database;
  }

  async close(): Promise<void> {
    if (this.database) {
      const db = await this.database.catch(() => null);
      if (db?.isInitialized) await db.destroy();
    }
    await new Promise<void>((resolve) => {
      this.logger.on('finish', () => resolve());
      this.logger.end();
    });
  }
}

export function createApp(config: Config): App {
  return new App(config);
}
