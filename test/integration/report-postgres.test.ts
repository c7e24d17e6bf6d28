import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { Client, Pool } from 'pg';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import { PARTIAL_PREFIX } from '../../src/delivery/atomic-write';
import { PostgresReportReader } from '../../src/usage/postgres-report.reader';
import { readFacts } from '../../src/usage/postgres-usage.source';
import { ThreadedCsvProducer } from '../../src/usage/report-csv.producer';
import { SqliteUsageSource } from '../../src/usage/sqlite-usage.source';
import type { UsageDay } from '../../src/usage/usage-day';
import type { UsageSource } from '../../src/usage/usage.source';
import { generatedEsiid, generateLseSet } from '../../scripts/lib/lse-generator';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';
import { createTestDatabase } from '../support/postgres-database';

const ESIIDS = 2_600;
const READER = 'smt report reader';

/**
 * Report files on PostgreSQL are read and turned into CSV in threads, each on a connection of its
 * own, as on the embedded database: the same stored days must give the same bytes, time-change
 * days included.
 */
describe('report CSV on PostgreSQL, built in threads, against the embedded database', function () {
  this.timeout(300_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: CliHarness;
  let lite: CliHarness;
  let gpg: GpgHome;
  let list: string;

  before(async function () {
    database = await createTestDatabase('smt_pg_report');
    if (!database) this.skip();
    pg = new CliHarness('smt-pg-report-', { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
    lite = new CliHarness('smt-lite-report-');
    gpg = new GpgHome();
    const key = await generatePgpKeyPair({ name: 'Demo REP', email: 'rep@demo.example' });
    gpg.importKey(key.privateArmored);
    const keyFile = path.join(lite.dataDir, 'rep-public.asc');
    fs.writeFileSync(keyFile, key.publicArmored);
    // Both time-change days of 2025 for 2,600 ESI IDs (more than two runs of the reader, some with channel 1), and the fixtures' replaced versions.
    const generated = [];
    for (const startDay of ['2025-03-09', '2025-11-02']) {
      generated.push(...(await generateLseSet({ out: path.join(lite.dataDir, `gen-${startDay}`), records: 3_200, esiids: ESIIDS, perFile: 3_200, badPercent: 0, seed: 7, startDay })).files);
    }
    const files = [lseFixture('100000001IntervalData20250310060000001.lse'), lseFixture('100000001IntervalData20251103060000001.lse'),
      lseFixture('100000001IntervalData20250702060000001.lse'), lseFixture('100000001IntervalData20250703060000001.lse'), ...generated];
    for (const cli of [pg, lite]) {
      await importRegistryFixtures(cli);
      const loaded = await cli.ingestJson(...files);
      expect(loaded.results.map((r) => r.status), loaded.err).to.deep.equal(files.map(() => 'loaded'));
      const keyed = await cli.run('entity', 'update', 'Demo REP', '--pgp-key', keyFile);
      expect(keyed.status, keyed.err).to.equal(0);
    }
    list = path.join(lite.dataDir, 'esiids.txt');
    const fixtureEsiids = Array.from({ length: 5 }, (_, i) => `1044372000000000${i + 1}`);
    fs.writeFileSync(list, [...fixtureEsiids, ...Array.from({ length: ESIIDS }, (_, i) => generatedEsiid(i))].join('\n') + '\n');
  });
  after(async () => {
    pg?.remove();
    lite?.remove();
    gpg?.remove();
    await database?.drop();
  });

  const report = (type: string, from: string, to: string, ...more: string[]) =>
    ['report', '--type', type, '--duns', '200000001', '--from', from, '--to', to, '--esiids-file', list, ...more];

  it('gives the embedded database\'s bytes for interval, daily and monthly reports over both time-change days, from one CSV thread or three', async () => {
    const threeThreads = new CliHarness('', { ...pg.env, SMT_REPORT_CSV_THREADS: '3' }, pg.dataDir);
    const cases = [report('interval', '2025-03-08', '2025-03-10'), report('interval', '2025-11-01', '2025-11-03', '--reading', 'A'),
      report('daily', '2025-11-01', '2025-11-03'), report('monthly', '2025-03-01', '2025-03-31'),
      report('interval', '2025-07-01', '2025-07-01', '--version', 'A')];
    for (const args of cases) {
      const expected = await lite.run(...args);
      expect(expected.status, expected.err).to.equal(0);
      for (const cli of [pg, threeThreads]) {
        const got = await cli.run(...args);
        expect(got.status, got.err).to.equal(0);
        expect(got.out === expected.out, `${args.join(' ')} differs on PostgreSQL`).to.equal(true);
      }
      // Daily rows carry the registry's meter number (read with the facts on PostgreSQL).
      if (args[2] === 'daily') expect(expected.out).to.match(/^'10443720000000001,11\/02\/2025,[^\r]*,M0000001,/m);
    }
    const spring = (await pg.run(...report('interval', '2025-03-09', '2025-03-09', '--reading', 'C'))).out.split('\r\n').filter(Boolean);
    const fall = (await pg.run(...report('interval', '2025-11-02', '2025-11-02', '--reading', 'C'))).out.split('\r\n').filter(Boolean);
    // 96 rows a day (the spring-forward hour as blank rows) and 100 on the fall-back day, for every ESI ID with stored consumption.
    expect((spring.length - 1) % 96).to.equal(0);
    expect((fall.length - 1) % 100).to.equal(0);
    expect(spring.length - 1).to.be.greaterThan(2_000 * 96);
    expect(fall.length - 1).to.be.greaterThan(2_000 * 100);
    expect(spring.filter((line) => line.includes(',02:00,02:15,'))).to.have.length((spring.length - 1) / 96);
    expect(spring.find((line) => line.includes(',02:00,02:15,'))).to.match(/,02:00,02:15,,,Consumption$/);
  });

  it('delivers through the report worker the same rows as the embedded database, zipped and encrypted', async () => {
    const args = report('interval', '2025-11-01', '2025-11-03', '--reading', 'A');
    const expected = (await lite.run(...args)).out;
    const queued = await pg.run(...args, '--deliver');
    expect(queued.status, queued.err).to.equal(0);
    const produced = await new CliHarness('', { ...pg.env, SMT_REPORT_MAX_FILE_MB: '8' }, pg.dataDir).run('reports', 'run');
    expect(produced.status, produced.err).to.equal(0);
    const folder = path.join(pg.dataDir, 'ftps', '200000001', 'adhoc');
    const names = fs.readdirSync(folder).sort();
    expect(names.filter((n) => n.startsWith(PARTIAL_PREFIX))).to.deep.equal([]);
    expect(names.length, 'split into several files').to.be.at.least(2);
    const parts = names.map((name) => unzipOnly(gpg.decrypt(path.join(folder, name)), pg.dataDir).content.toString('latin1'));
    const [header] = expected.split('\r\n');
    for (const part of parts) expect(part.startsWith(`${header}\r\n`)).to.equal(true);
    expect(header + '\r\n' + parts.map((part) => part.slice(header.length + 2)).join('')).to.equal(expected);
  });

  describe('the reader of one report (PostgresReportReader)', () => {
    const DAY = '2025-11-02';
    const all = () => Array.from({ length: ESIIDS }, (_, i) => generatedEsiid(i)).sort();
    const sections = (esiids: string[]) => Array.from({ length: Math.ceil(esiids.length / 250) }, (_, s) => esiids.slice(s * 250, (s + 1) * 250));
    const readAll = async (source: UsageSource, esiids: string[], channel: 1 | 4 = 4): Promise<UsageDay[]> => {
      const rows: UsageDay[] = [];
      for await (const row of source.dayRows(DAY, channel, new Set(esiids))) rows.push({ ...row, values: Buffer.from(row.values) });
      return rows;
    };
    const readers = async (): Promise<number> => {
      const client = new Client({ connectionString: database!.url });
      await client.connect();
      try {
        return Number((await client.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [READER])).rows[0].n);
      } finally {
        await client.end();
      }
    };

    it('reads the sections a thread asks for, in the report\'s order, as the embedded database does, on two connections (stored days, registry facts) that close() ends', async () => {
      const esiids = all();
      const reader = await PostgresReportReader.open(database!.url, [...esiids].reverse());
      const embedded = new SqliteUsageSource(path.join(lite.dataDir, 'smt.sqlite'));
      try {
        expect(await readers()).to.equal(2);
        const mine = sections(esiids).filter((_, s) => s % 2 === 1);
        for (const section of mine) {
          const facts = await reader.facts(section);
          expect([...facts.entries()].sort()).to.deep.equal([...(await embedded.facts(section)).entries()].sort());
          const got = await readAll(reader, section);
          expect(got.length).to.be.greaterThan(0);
          expect(got).to.deep.equal(await readAll(embedded, section));
        }
        // Facts are let go once handed out: asked again, they are read again.
        expect([...(await reader.facts(mine[0])).entries()].sort()).to.deep.equal([...(await embedded.facts(mine[0])).entries()].sort());
        // The embedded source hands out the meter numbers of the ESI IDs whose facts it was asked for.
        await embedded.facts(esiids);
        for (const channel of [1, 4] as const) expect(await readAll(reader, esiids, channel)).to.deep.equal(await readAll(embedded, esiids, channel));
        // A section asked again, or out of order, is read again; ESI IDs outside the report are read as asked.
        const [first, second] = sections(esiids);
        expect(await readAll(reader, second)).to.deep.equal(await readAll(embedded, second));
        expect(await readAll(reader, first)).to.deep.equal(await readAll(embedded, first));
        const outside = ['10443720000000001', '10443720000000002', esiids[7]];
        expect(await readAll(reader, outside)).to.deep.equal(await readAll(embedded, outside));
        // A reader that stops early leaves the next section whole.
        for await (const row of reader.dayRows(DAY, 4, new Set(first))) if (row) break;
        expect(await readAll(reader, second)).to.deep.equal(await readAll(embedded, second));
        expect(await readers(), 'still two connections').to.equal(2);
      } finally {
        await reader.close();
        await embedded.close();
      }
      expect(await readers()).to.equal(0);
    });

    it('fails a report thread with a wrong password without showing it, and leaves no connection behind', async () => {
      const url = new URL(database!.url);
      url.password = 'not-the-Secret-9f3a';
      const producer = new ThreadedCsvProducer({ type: 'postgres', url: url.toString() }, 1);
      let failure: unknown = null;
      try {
        for await (const chunk of producer.chunks({ reportType: 'INTERVAL', startDate: DAY, endDate: DAY, version: 'L', readingType: 'C', esiids: all(), scope: { kind: 'ALL' } })) {
          expect.fail(`no chunk without a connection (got ${chunk.records} records)`);
        }
      } catch (error) {
        failure = error;
      } finally {
        await producer.close();
      }
      expect(failure).to.be.instanceOf(Error);
      const shown = `${(failure as Error).message} ${(failure as Error).stack} ${JSON.stringify(failure)}`;
      expect(shown).to.match(/password authentication failed/);
      expect(shown).not.to.contain('not-the-Secret-9f3a');
      expect(await readers()).to.equal(0);
    });

    it('reads the registry facts of 12,000 ESI IDs in parts of 5,000, two at a time from a pool, as the embedded database does, each ESI ID\'s stretches in order', async () => {
      const extra = Array.from({ length: 12_000 }, (_, i) => `2044372${String(i).padStart(10, '0')}`);
      // Two stretches each, the later one stored first; every third ESI ID has a meter number.
      const meters = extra.map((_, i) => (i % 3 === 0 ? `M${i}` : null));
      const stretches = extra.flatMap((esiid) => [[esiid, '200000002', '2025-07-01', null], [esiid, '200000001', '2025-01-01', '2025-06-30']]);
      const client = new Client({ connectionString: database!.url });
      await client.connect();
      try {
        await client.query("INSERT INTO esiid (esiid, tdsp_duns, meter_number, updated_at) SELECT e, '100000001', m, now() FROM unnest($1::text[], $2::text[]) AS r(e, m)", [extra, meters]);
        await client.query("INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) SELECT e, r, f, t, 'registry' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s(e, r, f, t)",
          [stretches.map((x) => x[0]), stretches.map((x) => x[1]), stretches.map((x) => x[2]), stretches.map((x) => x[3])]);
      } finally {
        await client.end();
      }
      const embeddedDb = new Database(path.join(lite.dataDir, 'smt.sqlite'));
      embeddedDb.transaction(() => {
        const esiid = embeddedDb.prepare("INSERT INTO esiid (esiid, tdsp_duns, meter_number, updated_at) VALUES (?, '100000001', ?, datetime('now'))");
        extra.forEach((e, i) => esiid.run(e, meters[i]));
        const stretch = embeddedDb.prepare("INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) VALUES (?, ?, ?, ?, 'registry')");
        for (const x of stretches) stretch.run(...x);
      })();
      embeddedDb.close();
      const asked = [...extra, generatedEsiid(3), 'NOTREGISTERED1'];
      const pool = new Pool({ connectionString: database!.url, max: 3 });
      const embedded = new SqliteUsageSource(path.join(lite.dataDir, 'smt.sqlite'));
      try {
        const got = await readFacts(pool, asked);
        expect(got.size).to.equal(extra.length + 1);
        expect(got.get(extra[3])).to.deep.equal({ tdspDuns: '100000001', meterNumber: 'M3', readCycle: null, stretches: [
          { repDuns: '200000001', from: '2025-01-01', to: '2025-06-30' }, { repDuns: '200000002', from: '2025-07-01', to: null }] });
        expect([...got.entries()].sort()).to.deep.equal([...(await embedded.facts(asked)).entries()].sort());
      } finally {
        await pool.end();
        await embedded.close();
      }
    });
  });
});
