import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { FtpsHarness, TDSP_DUNS } from '../support/ftps-harness';

/** Every file and folder under a root (the root too), with its permission bits. */
function modesUnder(root: string): { path: string; mode: number; dir: boolean }[] {
  const found: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p);
    found.push({ path: p, mode: stat.mode & 0o777, dir: stat.isDirectory() });
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(root);
  return found;
}

const openToOthers = (root: string) => modesUnder(root).filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.mode.toString(8)} ${path.relative(root, e.path) || '.'}`);

/**
 * The data dir holds all usage data, password hashes, install codes and keys: what the platform writes
 * there is for its own user only. The umask is set to the common 022 here so only the modes the platform
 * chooses count.
 */
describe('file permissions: the data dir and everything written into it are owner-only', function () {
  this.timeout(180_000);
  let savedUmask: number;
  let work: string;

  before(() => {
    savedUmask = process.umask(0o022);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-perms-'));
  });
  after(() => {
    process.umask(savedUmask);
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe('through smt commands on a fresh data dir', () => {
    let cli: CliHarness;

    before(async () => {
      cli = CliHarness.at(path.join(work, 'var'));
      expect((await cli.run('pki', 'init')).status).to.equal(0);
      await importRegistryFixtures(cli);
      const rep = await generatePgpKeyPair({ name: 'Demo REP', email: 'edi@demo-rep.example' });
      const keyFile = path.join(work, 'demo-rep.asc');
      fs.writeFileSync(keyFile, rep.publicArmored);
      expect((await cli.run('entity', 'update', 'Demo REP', '--pgp-key', keyFile)).status).to.equal(0);
      expect((await cli.run('keys', 'export-public')).status).to.equal(0);
      expect((await cli.ingestJson('--for', '100000001', lseFixture('100000001IntervalData20250702060000001.lse'))).status).to.equal(0);
      const queued = await cli.run('report', '--type', 'daily', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000001', '--deliver');
      expect(queued.status, queued.err).to.equal(0);
      expect((await cli.run('reports', 'run')).out).to.contain('1 request(s) processed');
    });

    it('creates no file or folder that the group or others may read, write or enter', () => {
      const files = modesUnder(cli.dataDir).map((e) => path.relative(cli.dataDir, e.path));
      // The commands above wrote each kind of file the brief names: database, log, keys, PKI, activity report, delivered report.
      expect(files).to.include.members(['smt.sqlite', path.join('logs', 'smt.log'), path.join('keys', 'platform-pgp-private.asc'),
        path.join('keys', 'platform-pgp-public.asc'), path.join('pki', 'ca.key'), path.join('pki', 'ca.crt'), path.join('pki', 'server.crt'), 'tmp']);
      expect(files.some((f) => /^ftps\/100000001\/reports\/.+\.activity\.csv$/.test(f)), 'an activity report').to.equal(true);
      expect(files.some((f) => /^ftps\/200000001\/adhoc\/.+\.asc$/.test(f)), 'a delivered report').to.equal(true);
      expect(openToOthers(cli.dataDir)).to.deep.equal([]);
      expect(fs.statSync(cli.dataDir).mode & 0o777).to.equal(0o700);
      expect(fs.statSync(path.join(cli.dataDir, 'smt.sqlite')).mode & 0o777).to.equal(0o600);
    });

    it('gives the database\'s -wal and -shm files the database file\'s mode while it is open', () => {
      const db = new Database(path.join(cli.dataDir, 'smt.sqlite'));
      try {
        db.pragma('journal_mode = WAL');
        db.prepare('SELECT count(*) FROM interval_day').get();
        for (const suffix of ['-wal', '-shm']) expect(fs.statSync(path.join(cli.dataDir, `smt.sqlite${suffix}`)).mode & 0o777, suffix).to.equal(0o600);
      } finally {
        db.close();
      }
    });

    it('warns at start, once per path, naming the path, its mode and the chmod to run, when the database or data dir was loosened', async () => {
      const database = path.join(cli.dataDir, 'smt.sqlite');
      fs.chmodSync(database, 0o644);
      fs.chmodSync(cli.dataDir, 0o755);
      fs.chmodSync(path.join(cli.dataDir, 'pki', 'ca.key'), 0o640);
      try {
        const r = await cli.run('requests', '--json');
        expect(r.status, r.err).to.equal(0);
        const warnings = r.err.split('\n').filter((l) => l.startsWith('smt: warning:'));
        expect(warnings).to.have.length(3);
        expect(warnings.filter((w) => w.includes(`${database} `))).to.deep.equal([
          `smt: warning: ${database} is open to other users (mode 0644); run: chmod 600 ${database}`,
        ]);
        expect(warnings).to.include(`smt: warning: ${cli.dataDir} is open to other users (mode 0755); run: chmod 700 ${cli.dataDir}`);
        expect(warnings.some((w) => w.includes(path.join(cli.dataDir, 'pki', 'ca.key')) && w.includes('(mode 0640)'))).to.equal(true);
      } finally {
        fs.chmodSync(database, 0o600);
        fs.chmodSync(cli.dataDir, 0o700);
        fs.chmodSync(path.join(cli.dataDir, 'pki', 'ca.key'), 0o600);
      }
      const quiet = await cli.run('requests', '--json');
      expect(quiet.err).to.not.contain('warning');
    });
  });

  describe('through the FTPS site', () => {
    const harness = new FtpsHarness();
    before(() => harness.start());
    after(() => harness.stop());

    it('stores a TDSP upload, its folders and the development setup owner-only', async () => {
      const tdsp = await harness.client('Demo TDSP', harness.tdsp.password);
      try {
        const reply = await tdsp.uploadFrom(Readable.from([Buffer.from('not really an LSE file\n')]), `/${TDSP_DUNS}/inbound/upload-mode.lse`);
        expect(reply.code).to.equal(226);
      } finally {
        tdsp.close();
      }
      const files = modesUnder(harness.dataDir).map((e) => path.relative(harness.dataDir, e.path));
      expect(files).to.include.members([path.join('ftps', TDSP_DUNS, 'inbound', 'upload-mode.lse'), path.join('demo', 'demo-tdsp', 'client.crt')]);
      expect(openToOthers(harness.dataDir)).to.deep.equal([]);
    });
  });
});
