import { CliHarness } from './cli-harness';
import { createTestDatabase } from './postgres-database';

/** The engines the database tests run on: the embedded one and, where a test server is configured, PostgreSQL. */
export type TestEngine = 'sqlite' | 'postgres';

export interface EngineHarness {
  /** A harness on a fresh data dir; on PostgreSQL its `env` names the suite's own database. */
  cli: CliHarness;
  /** Removes the data dir and drops the database; call it after whatever still holds a connection is closed. */
  cleanUp(): Promise<void>;
}

/**
 * A CLI harness on `engine`: SQLite in a throwaway data dir, or PostgreSQL in a throwaway database on
 * the server SMT_TEST_POSTGRES_URL names (prefix `prefix` with '-' as '_'). Where no server is
 * configured, skips the suite whose hook `context` is (createTestDatabase fails instead in CI).
 */
export async function engineHarness(context: Mocha.Context, engine: TestEngine, prefix: string): Promise<EngineHarness> {
  let env: Record<string, string> = {};
  let drop: (() => Promise<void>) | null = null;
  if (engine === 'postgres') {
    const db = await createTestDatabase(prefix.replace(/-+$/, '').replace(/-/g, '_'));
    if (!db) context.skip();
    drop = db.drop;
    env = { SMT_DB_TYPE: 'postgres', SMT_DB_URL: db.url };
  }
  const cli = new CliHarness(prefix, env);
  return {
    cli,
    cleanUp: async () => {
      cli.remove();
      await drop?.();
    },
  };
}
