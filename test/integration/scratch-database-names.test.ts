import { expect } from 'chai';
import { Client } from 'pg';
import { createScratchDatabase, dropScratchDatabase, scratchDatabaseIdentifier } from '../../src/db/postgres/drop-database';

describe('scratch PostgreSQL databases: names are quoted identifiers, checked first', () => {
  it('quotes an allowed name, and refuses any other with the name and the rule', () => {
    expect(scratchDatabaseIdentifier('smt_test_1_2')).to.equal('"smt_test_1_2"');
    expect(scratchDatabaseIdentifier('1764_scratch')).to.equal('"1764_scratch"');
    for (const bad of ['', 'smt-test', 'Smt_Test', 'x"; DROP DATABASE postgres; --', 'a b', 'é', 'a'.repeat(64)]) {
      expect(() => scratchDatabaseIdentifier(bad), bad).to.throw(`scratch database name ${JSON.stringify(bad)} is not allowed: use 1 to 63 lowercase letters, digits and underscores`);
    }
  });

  describe('on the PostgreSQL server of SMT_TEST_POSTGRES_URL', () => {
    let client: Client;
    before(async function () {
      const server = process.env.SMT_TEST_POSTGRES_URL;
      if (!server) return this.skip();
      client = new Client({ connectionString: server });
      await client.connect();
    });
    after(async () => client?.end());
    const exists = async (name: string) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;

    it('creates, copies and drops databases whose names are not valid bare identifiers (a leading digit, a reserved word)', async () => {
      const name = `${process.pid}_${Date.now()}_scratch`;
      const copy = `${name}_copy`;
      try {
        await createScratchDatabase(client, name);
        expect(await exists(name)).to.equal(true);
        await createScratchDatabase(client, copy, name);
        expect(await exists(copy)).to.equal(true);
      } finally {
        await dropScratchDatabase(client, copy);
        await dropScratchDatabase(client, name);
      }
      expect(await exists(name)).to.equal(false);
      expect(await exists(copy)).to.equal(false);
      // A reserved word: unquoted, `DROP DATABASE IF EXISTS table` is a syntax error.
      await dropScratchDatabase(client, 'table');
    });

  });

  it('a name carrying SQL never reaches the server, for a drop or a creation', async () => {
    const sent: string[] = [];
    const recorder = { query: async (sql: string) => void sent.push(sql) } as unknown as Client;
    for (const attempt of [
      () => dropScratchDatabase(recorder, 'x WITH (FORCE); DROP DATABASE postgres; --'),
      () => createScratchDatabase(recorder, 'x; DROP DATABASE postgres'),
      () => createScratchDatabase(recorder, 'smt_ok', 'postgres; DROP DATABASE postgres'),
    ]) {
      const error = await attempt().then(() => null, (e: Error) => e);
      expect(error?.message).to.match(/^scratch database name ".*" is not allowed/);
    }
    expect(sent).to.deep.equal([]);
  });
});
