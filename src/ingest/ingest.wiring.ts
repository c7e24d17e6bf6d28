import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { Logger } from '../core/logger';
import { sqliteFile } from '../db/data-source';
import { SqliteVeeReads } from '../vee/sqlite-vee.reads';
import { SqliteWeekdayTotalsStore } from '../vee/sqlite-weekday-totals.store';
import { TypeormWeekdayTotalsStore } from '../vee/typeorm-weekday-totals.store';
import { VeeInspector } from '../vee/vee-inspection';
import { VeeRunner } from '../vee/vee.runner';
import { VeeStore } from '../vee/vee.store';
import type { VeeReads } from '../vee/vee-reads';
import type { WeekdayTotalsStore } from '../vee/weekday-totals';
import { IngestService } from './ingest.service';
import type { IngestStore } from './ingest.store';
import type { LseParserPool } from './lse-parser.thread';
import { SqliteIngestStore } from './sqlite-ingest.store';
import { TypeormIngestStore } from './typeorm-ingest.store';

/** What ingest and VEE take from the composition root (src/app.ts). */
export interface IngestDeps {
  config: Config;
  logger: Logger;
  ftpsRoot: string;
  db(): Promise<DataSource>;
  parserThreads(): LseParserPool;
  veeRunner(): Promise<VeeRunner>;
  /** Registers what to close with the app. */
  onClose(close: () => Promise<void>): void;
}

/** The ingest service on the configured database, running VEE after each committed file; interrupted loads are recovered first. */
export async function createIngestService(deps: IngestDeps): Promise<IngestService> {
  const { config } = deps;
  const db = await deps.db();
  const store: IngestStore = config.db.type === 'sqlite' ? new SqliteIngestStore(sqliteFile(config))
    : config.db.type === 'postgres' ? new (await import('./postgres-ingest.store')).PostgresIngestStore(db) : new TypeormIngestStore(db);
  deps.onClose(() => store.close());
  const service = new IngestService(store, deps.parserThreads(), deps.logger, {
    ftpsRoot: deps.ftpsRoot,
    batchRecords: config.ingest.parseBatchRecords,
    afterCommit: async (fileId, summary, records) => {
      const found = await (await deps.veeRunner()).runForFile(fileId, records);
      if (found) summary.quality = found;
    },
  });
  await service.recoverInterrupted();
  return service;
}

/** The VEE rules over each loaded file, and the findings they keep (src/vee/); the embedded database reads through a connection of its own. */
export async function createVeeRunner(deps: Pick<IngestDeps, 'config' | 'logger' | 'db' | 'onClose'>, totals: WeekdayTotalsStore): Promise<VeeRunner> {
  const { config, logger } = deps;
  const store = new VeeStore(await deps.db());
  let reads: VeeReads = store;
  if (config.db.type === 'sqlite') {
    const sqliteReads = new SqliteVeeReads(sqliteFile(config));
    deps.onClose(() => sqliteReads.close());
    reads = sqliteReads;
  }
  return new VeeRunner(store, new VeeInspector(reads, totals, config.vee), config.vee, logger);
}

/** The daily totals VEE keeps for the High/Low Usage history (src/vee/weekday-totals.ts). */
export async function createWeekdayTotals(deps: Pick<IngestDeps, 'config' | 'db' | 'onClose'>): Promise<WeekdayTotalsStore> {
  const db = await deps.db();
  if (deps.config.db.type !== 'sqlite') return new TypeormWeekdayTotalsStore(db);
  const totals = new SqliteWeekdayTotalsStore(sqliteFile(deps.config));
  deps.onClose(() => totals.close());
  return totals;
}
