import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Client } from 'pg';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { listPartitionMonths } from '../../src/db/postgres/interval-partitions';
import { upkeepIntervalPartitions } from '../../src/db/postgres/partition-upkeep';
import { postgresPool } from '../../src/db/postgres/pg-pool';
import { SqliteUsageSource } from '../../src/usage/sqlite-usage.source';
import type { UsageDay } from '../../src/usage/usage-day';
import { generatedEsiid, generateLseSet } from '../../scripts/lib/lse-generator';
import { createLseWriter, lseFileName } from '../../scripts/lib/lse-writer';
import { CliHarness, importRegistryFixtures, lseFixture, type IngestJson } from '../support/cli-harness';
import { createTestDatabase } from '../support/postgres-database';

const SMT = path.join(__dirname, '../../bin/smt');
const ESIIDS = 1_500;

/** The same LSE files through both engines: what is stored and reported must not differ. */
describe('PostgreSQL ingest (COPY) against the embedded database', function () {
  this.timeout(300_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: CliHarness;
  let lite: CliHarness;
  let files: string[];
  const results: { pg: IngestJson[]; lite: IngestJson[] } = { pg: [], lite: [] };

  before(async function () {
    database = await createTestDatabase('smt_pg_ingest');
    if (!database) this.skip();
    pg = new CliHarness('smt-pg-ingest-', { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
    lite = new CliHarness('smt-lite-ingest-');
    const generated = await generateLseSet({ out: path.join(lite.dataDir, 'gen'), records: 6_000, esiids: ESIIDS, perFile: 2_000, badPercent: 3, seed: 5, startDay: '2025-06-29' });
    // Fixtures first (an older version loaded before and after a newer one, repeats, F2), then the generated days across a month boundary, then a repeat of a day.
    files = [lseFixture('100000001IntervalData20250310060000001.lse'), lseFixture('100000001IntervalData20250701120000001.lse'),
      lseFixture('100000001IntervalData20250702060000001.lse'), lseFixture('100000001IntervalData20250701120000001.lse'),
      lseFixture('broken/100000001IntervalData20250703070000001.lse'),
      lseFixture('broken/100000001IntervalData20250706070000001.lse'), lseFixture('100000002IntervalData20250702060000001.lse'),
      ...generated.files, generated.files[0]];
    for (const cli of [pg, lite]) {
      await importRegistryFixtures(cli);
      for (const file of files) (cli === pg ? results.pg : results.lite).push(...(await cli.ingestJson(file)).results);
    }
  });
  after(async () => {
    pg?.remove();
    lite?.remove();
    await database?.drop();
  });

  const pgRows = async (sql: string): Promise<Record<string, unknown>[]> => {
    const client = new Client({ connectionString: database!.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const liteRows = (sql: string): Record<string, unknown>[] => {
    const db = new Database(path.join(lite.dataDir, 'smt.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };
  const INTERVALS = `SELECT operating_day AS day, channel, esiid, CAST(version AS TEXT) AS version, interval_count AS n, interval_values AS v, origin,
    start_reading AS start, stop_reading AS stop, transaction_id AS tx FROM interval_day ORDER BY operating_day, channel, esiid, version`;
  const hexed = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, v: Buffer.from(r.v as Uint8Array).toString('hex') }));

  it('gives every file the same result codes and rejected records, a whole-file rejection included', () => {
    expect(results.pg).to.have.length(files.length);
    expect(results.pg).to.deep.equal(results.lite);
    expect(results.pg.filter((r) => r.status === 'rejected').map((r) => r.fileCode)).to.deep.equal(['F2']);
    expect(results.pg[results.pg.length - 1].records.byCode['08'], 'the repeated file is already loaded').to.be.greaterThan(1_500);
    const codes = new Set(results.pg.flatMap((r) => Object.keys(r.records.byCode)));
    for (const code of ['00', '01', '05', '07', '08']) expect(codes, `code ${code} exercised`).to.include(code);
  });

  it('stores the same interval days, versions and packed values', async () => {
    const stored = hexed(await pgRows(INTERVALS));
    expect(stored.length).to.be.greaterThan(5_000);
    expect(stored).to.deep.equal(hexed(liteRows(INTERVALS)));
  });

  it('learns the same ESI IDs and REP-of-record stretches, and records the same rejections per file', async () => {
    const esiids = 'SELECT esiid, tdsp_duns FROM esiid ORDER BY esiid';
    expect(await pgRows(esiids)).to.deep.equal(liteRows(esiids));
    const ror = 'SELECT esiid, rep_duns, effective_from, effective_to, source FROM rep_of_record ORDER BY esiid, effective_from, rep_duns';
    const stretches = await pgRows(ror);
    expect(stretches.filter((s) => s.source === 'lse').length).to.be.greaterThan(ESIIDS / 2);
    expect(stretches).to.deep.equal(liteRows(ror));
    const rejections = 'SELECT f.file_name, r.line, r.code, r.reason FROM ingest_rejection r JOIN ingest_file f ON f.id = r.file_id ORDER BY f.id, r.line';
    expect(await pgRows(rejections)).to.deep.equal(liteRows(rejections));
  });

  it('decides versions within a file and against the store alike when batches of 2 records split the file', async () => {
    const [a, b, c] = ['10443720000000001', '10443720000000002', '10443720000099999'];
    const write = async (dir: string, seq: number, records: [string, string][]) => {
      const file = path.join(dir, lseFileName('100000001', '20250711080000', seq));
      const writer = createLseWriter(file);
      for (const [esiid, version] of records) {
        await writer.write({ esiid, channel: 4, day: '2025-07-10', version, sender: '100000001', rep: '200000001', values: new Array(96).fill(0.5) });
      }
      await writer.close();
      return file;
    };
    const dir = fs.mkdtempSync(path.join(lite.dataDir, 'split-'));
    const first = await write(dir, 1, [[a, '20250711060000'], [b, '20250711060000'], [a, '20250711050000'], [a, '20250711070000'],
      [b, '20250711060000'], [c, '20250711060000'], [c, '20250711063000'], [a, '20250711070000']]);
    const second = await write(dir, 2, [[a, '20250711070000'], [a, '20250711060000'], [c, '20250711063000'], [b, '20250711090000']]);
    const answers = [];
    for (const cli of [pg, lite]) {
      const split = new CliHarness('', { ...cli.env, SMT_INGEST_BATCH_RECORDS: '2' }, cli.dataDir);
      answers.push((await split.ingestJson(first, second)).results.map((r) => [r.records.byCode, r.rejected.map((x) => `${x.code} ${x.reason}`)]));
    }
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0].map(([byCode]) => byCode)).to.deep.equal([{ '00': 5, '05': 1, '07': 2 }, { '00': 1, '05': 1, '08': 2 }]);
    const day = "SELECT esiid, CAST(version AS TEXT) AS version FROM interval_day WHERE operating_day = '2025-07-10' ORDER BY esiid, version";
    expect(await pgRows(day)).to.deep.equal(liteRows(day));
  });

  it('learns REP-of-record stretches alike when batches of 2 records split a file over several days', async () => {
    const [x, y] = ['10443720000088801', '10443720000088802'];
    const dir = fs.mkdtempSync(path.join(lite.dataDir, 'stretch-'));
    const file = path.join(dir, lseFileName('100000001', '20250721080000', 1));
    const writer = createLseWriter(file);
    // x grows forward, backward and forward again across batches, then switches REP; y skips a day (a gap starts a second stretch).
    const records: [string, string, string][] = [[x, '2025-07-15', '200000001'], [x, '2025-07-16', '200000001'], [y, '2025-07-15', '200000001'],
      [x, '2025-07-14', '200000001'], [x, '2025-07-17', '200000001'], [y, '2025-07-17', '200000001'], [x, '2025-07-18', '200000002'], [y, '2025-07-18', '200000001']];
    for (const [esiid, day, rep] of records) {
      await writer.write({ esiid, channel: 4, day, version: '20250721060000', sender: '100000001', rep, values: new Array(96).fill(0.25) });
    }
    await writer.close();
    for (const cli of [pg, lite]) {
      const split = new CliHarness('', { ...cli.env, SMT_INGEST_BATCH_RECORDS: '2' }, cli.dataDir);
      expect((await split.ingestJson(file)).results[0].records.byCode).to.deep.equal({ '00': 8 });
    }
    const ror = `SELECT esiid, rep_duns, effective_from, effective_to FROM rep_of_record WHERE esiid IN ('${x}', '${y}') ORDER BY esiid, effective_from`;
    expect(await pgRows(ror)).to.deep.equal([
      { esiid: x, rep_duns: '200000001', effective_from: '2025-07-14', effective_to: '2025-07-17' },
      { esiid: x, rep_duns: '200000002', effective_from: '2025-07-18', effective_to: '2025-07-18' },
      { esiid: y, rep_duns: '200000001', effective_from: '2025-07-15', effective_to: '2025-07-15' },
      { esiid: y, rep_duns: '200000001', effective_from: '2025-07-17', effective_to: '2025-07-18' },
    ]);
    expect(await pgRows(ror)).to.deep.equal(liteRows(ror));
  });

  it('answers an interval report and a monthly report of 1,500 ESI IDs (streamed through a cursor) byte for byte as the embedded database does', async () => {
    const list = path.join(pg.dataDir, 'esiids.txt');
    fs.writeFileSync(list, Array.from({ length: ESIIDS }, (_, i) => generatedEsiid(i)).join('\n') + '\n');
    for (const type of ['interval', 'monthly']) {
      const args = ['report', '--type', type, '--duns', '200000001', '--from', '2025-06-30', '--to', '2025-07-01', '--esiids-file', list];
      const [a, b] = [await pg.run(...args), await lite.run(...args)];
      expect(a.status, a.err).to.equal(0);
      expect(a.out.split('\r\n').length).to.be.greaterThan(type === 'interval' ? 100_000 : 1_000);
      expect(a.out === b.out, `${type} report differs`).to.equal(true);
    }
  });

  it('streams a day to the report builder in the embedded order, and gives its connection back when the reader stops early', async () => {
    const app = createApp(loadConfig(pg.childEnv()));
    const sqlite = new SqliteUsageSource(path.join(lite.dataDir, 'smt.sqlite'));
    try {
      const source = await app.usageSource();
      const wanted = new Set([...Array.from({ length: ESIIDS }, (_, i) => generatedEsiid(i)), '10443720000000001', '99999999999999999']);
      const read = async (s: typeof source) => {
        const out: UsageDay[] = [];
        for await (const row of s.dayRows('2025-06-30', 4, wanted)) out.push({ ...row, values: Buffer.from(row.values) });
        return out;
      };
      const [fromPg, fromLite] = [await read(source), await read(sqlite)];
      expect(fromPg.length).to.be.greaterThan(1_000);
      expect(fromPg.map(({ meterNumber, ...r }) => r)).to.deep.equal(fromLite.map(({ meterNumber, ...r }) => r));
      const pool = postgresPool(await app.db());
      for (let i = 0; i < 25; i++) {
        for await (const row of source.dayRows('2025-06-30', 4, wanted)) if (row) break;
      }
      expect(pool.totalCount - pool.idleCount, 'clients still checked out').to.equal(0);
    } finally {
      await sqlite.close();
      await app.close();
    }
  });

  it('keeps month partitions: each row in its month, months made ahead, months past the history window dropped', async () => {
    const placed = await pgRows(`SELECT tableoid::regclass::text AS part, min(operating_day) AS first, max(operating_day) AS last
      FROM interval_day GROUP BY 1 ORDER BY 1`);
    expect(placed.map((p) => p.part)).to.deep.equal(['interval_day_p2025_03', 'interval_day_p2025_06', 'interval_day_p2025_07']);
    for (const p of placed) {
      const month = String(p.part).slice(-7).replace('_', '-');
      expect(String(p.first).slice(0, 7)).to.equal(month);
      expect(String(p.last).slice(0, 7)).to.equal(month);
    }
    const app = createApp(loadConfig(pg.childEnv()));
    try {
      const pool = postgresPool(await app.db());
      const july = Number((await pool.query("SELECT count(*) AS n FROM interval_day WHERE operating_day LIKE '2025-07-%'")).rows[0].n);
      // Today 2029-07-15 keeps 48 months from 2025-07-15, plus a margin month: 2025-06 onwards.
      const upkeep = await upkeepIntervalPartitions(pool, { today: '2029-07-15', oldestDay: '2025-07-15', monthsAhead: 2 });
      expect(upkeep.dropped).to.deep.equal(['2025-03']);
      expect(upkeep.created).to.deep.equal(['2029-07', '2029-08', '2029-09']);
      const months = await listPartitionMonths(pool);
      expect(months).to.include.members(['2025-06', '2025-07', '2029-07', '2029-08', '2029-09']);
      expect(months).to.not.include('2025-03');
      expect((await pool.query("SELECT count(*) AS n FROM interval_day WHERE operating_day < '2025-04-01'")).rows[0].n).to.equal('0');
      expect(Number((await pool.query("SELECT count(*) AS n FROM interval_day WHERE operating_day LIKE '2025-07-%'")).rows[0].n)).to.equal(july);
      const again = await upkeepIntervalPartitions(pool, { today: '2029-07-15', oldestDay: '2025-07-15', monthsAhead: 2 });
      expect(again).to.deep.equal({ created: [], dropped: [] });
      // A long report read holds interval_day: upkeep gives up after its lock timeout instead of queueing every reader behind it.
      const reader = new Client({ connectionString: database!.url });
      await reader.connect();
      try {
        await reader.query('BEGIN');
        await reader.query('SELECT count(*) FROM interval_day');
        const started = Date.now();
        let refused: Error | null = null;
        await upkeepIntervalPartitions(pool, { today: '2030-06-15', oldestDay: '2025-07-15', lockTimeoutMs: 300 }).catch((e: Error) => (refused = e));
        expect(String(refused)).to.contain('lock timeout');
        expect(Date.now() - started).to.be.below(5_000);
        expect(await listPartitionMonths(pool)).to.not.include('2030-06');
        expect((await pool.query("SELECT count(*) AS n FROM interval_day WHERE operating_day = '2025-07-01'")).rows[0].n).to.not.equal('0');
      } finally {
        await reader.query('ROLLBACK');
        await reader.end();
      }
      // The scheduler's daily job: today in CPT, 48 months of history, one margin month, three months ahead.
      const job = await app.partitionUpkeep();
      expect(job!.name).to.equal('partition-upkeep');
      const daily = await job!.run(new Date('2031-01-15T18:00:00Z'));
      expect(daily.created).to.deep.equal(['2031-01', '2031-02', '2031-03', '2031-04']);
      expect(daily.dropped).to.deep.equal(['2025-06', '2025-07']);
      expect((await pool.query('SELECT count(*) AS n FROM interval_day')).rows[0].n).to.equal('0');
      const embedded = createApp(loadConfig(lite.childEnv()));
      try {
        expect(await embedded.partitionUpkeep(), 'no partitions on the embedded database').to.equal(null);
      } finally {
        await embedded.close();
      }
    } finally {
      await app.close();
    }
  });

  it('fails a load that needs a new month partition while a long read holds interval_day after a few seconds, rather than queueing every reader behind it until the read ends; it loads later', async () => {
    const file = path.join(fs.mkdtempSync(path.join(pg.dataDir, 'may-')), lseFileName('100000001', '20260502060000', 1));
    const writer = createLseWriter(file);
    await writer.write({ esiid: '10443720000000003', channel: 4, day: '2026-05-01', version: '20260502060000', sender: '100000001', rep: '200000001', values: new Array(96).fill(0.25) });
    await writer.close();
    const reader = new Client({ connectionString: database!.url });
    await reader.connect();
    let failed;
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM interval_day');
      const started = Date.now();
      failed = await pg.ingestJson(file);
      // It gave up after its lock timeout (5 s): the read it waited on is still open.
      expect(Date.now() - started).to.be.within(4_000, 30_000);
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
    expect(failed.status).to.not.equal(0);
    expect(failed.err).to.contain('lock timeout');
    expect((await pgRows("SELECT count(*) AS n FROM interval_day WHERE operating_day = '2026-05-01'"))[0].n).to.equal('0');
    expect((await pgRows("SELECT to_regclass('interval_day_p2026_05') AS t"))[0].t, 'the partition went with the rolled-back load').to.equal(null);
    const later = await pg.ingestJson(file);
    expect(later.status, later.err).to.equal(0);
    expect(later.results[0].records.byCode).to.deep.equal({ '00': 1 });
  });

  it('survives kill -9 mid-file: committed files whole, the one being loaded absent, and a re-run completes without duplicates', async () => {
    const crash = await createTestDatabase('smt_pg_crash');
    const cli = new CliHarness('smt-pg-crash-', { SMT_DB_TYPE: 'postgres', SMT_DB_URL: crash!.url });
    try {
      await importRegistryFixtures(cli);
      const dir = path.join(cli.dataDir, 'in');
      const perFile = 20_000;
      const set = await generateLseSet({ out: dir, records: 120_000, esiids: 20_000, perFile, badPercent: 0, seed: 11, startDay: '2025-06-01' });
      const child = spawn(process.execPath, [SMT, 'ingest', '--json', dir], { env: cli.childEnv() });
      const reported: number[] = [];
      let buffered = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const lines = (buffered += chunk.toString()).split('\n');
          buffered = lines.pop()!;
          for (const line of lines) reported.push(JSON.parse(line).records.byCode['00']);
          if (reported.length >= 2) child.kill('SIGKILL');
        });
        child.on('exit', () => resolve());
      });
      expect(reported.length).to.be.within(2, set.files.length - 1);
      const count = async () => {
        const client = new Client({ connectionString: crash!.url });
        await client.connect();
        try {
          const rows = (await client.query('SELECT file_id, count(*)::int AS n FROM interval_day GROUP BY file_id')).rows as { n: number }[];
          return { total: rows.reduce((a, r) => a + r.n, 0), perFile: rows.map((r) => r.n) };
        } finally {
          await client.end();
        }
      };
      const afterCrash = await count();
      expect(afterCrash.perFile.every((n) => n === perFile), 'only whole files stored').to.equal(true);
      expect(afterCrash.total).to.be.at.least(reported.reduce((a, b) => a + b, 0));
      const rerun = await cli.ingestJson(dir);
      expect(rerun.status, rerun.err).to.equal(0);
      const loadedNow = rerun.results.reduce((n, r) => n + (r.records.byCode['00'] ?? 0), 0);
      const unchanged = rerun.results.reduce((n, r) => n + (r.records.byCode['08'] ?? 0), 0);
      expect(loadedNow + unchanged).to.equal(set.records);
      expect(unchanged).to.equal(afterCrash.total);
      expect((await count()).total).to.equal(set.records);
    } finally {
      cli.remove();
      await crash?.drop();
    }
  });
});
