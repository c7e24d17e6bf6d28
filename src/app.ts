import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from './config/config';
import { createLogger, type Logger } from './core/logger';
import { openDatabase, sqliteFile } from './db/data-source';
import { loadOrCreatePlatformKey, type PlatformKey } from './delivery/platform-key';
import { IngestService } from './ingest/ingest.service';
import type { IngestStore } from './ingest/ingest.store';
import { LseParserThread } from './ingest/lse-parser.thread';
import { SqliteIngestStore } from './ingest/sqlite-ingest.store';
import { TypeormIngestStore } from './ingest/typeorm-ingest.store';
import { RegistryImportService } from './registry/registry-import.service';
import { RegistryService } from './registry/registry.service';

/**
 * The composition root: the one place that creates concrete adapters and wires services.
 * Everything is created on first use, so a command only opens what it needs.
 */
export class App {
  readonly logger: Logger;
  private database: Promise<DataSource> | null = null;
  private registryService: Promise<RegistryService> | null = null;
  private registryImportService: Promise<RegistryImportService> | null = null;
  private key: Promise<PlatformKey> | null = null;
  private ingest: Promise<IngestService> | null = null;
  private parser: LseParserThread | null = null;
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(readonly config: Config) {
    this.logger = createLogger(config);
  }

  /** Root of the per-DUNS folders served over FTPS. */
  get ftpsRoot(): string {
    return path.join(this.config.dataDir, 'ftps');
  }

  /** Scratch space for decrypted and unzipped inputs; inside the data dir, never world-readable /tmp. */
  get tempDir(): string {
    return path.join(this.config.dataDir, 'tmp');
  }

  db(): Promise<DataSource> {
    this.database ??= openDatabase(this.config);
    return this.database;
  }

  registry(): Promise<RegistryService> {
    this.registryService ??= this.db().then((db) => new RegistryService(db, this.logger));
    return this.registryService;
  }

  registryImport(): Promise<RegistryImportService> {
    this.registryImportService ??= this.db().then((db) => new RegistryImportService(db, this.logger));
    return this.registryImportService;
  }

  platformKey(): Promise<PlatformKey> {
    this.key ??= loadOrCreatePlatformKey(this.config.dataDir, this.logger);
    return this.key;
  }

  ingestService(): Promise<IngestService> {
    this.ingest ??= this.createIngestService();
    return this.ingest;
  }

  private async createIngestService(): Promise<IngestService> {
    const db = await this.db();
    const store: IngestStore = this.config.db.type === 'sqlite' ? new SqliteIngestStore(sqliteFile(this.config)) : new TypeormIngestStore(db);
    this.closers.push(() => store.close());
    const service = new IngestService(store, () => this.parserThread(), this.logger, {
      ftpsRoot: this.ftpsRoot,
      batchRecords: this.config.ingest.parseBatchRecords,
    });
    await service.recoverInterrupted();
    return service;
  }

  private parserThread(): LseParserThread {
    if (!this.parser) {
      const parser = new LseParserThread();
      this.closers.push(() => parser.close());
      this.parser = parser;
    }
    return this.parser;
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
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

