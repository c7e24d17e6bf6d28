import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { addDays, cptToday } from '../../src/core/cpt';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import { PARTIAL_PREFIX } from '../../src/delivery/atomic-write';
import { BENCH_REP, benchEsiids, prefillDays, registerBenchParticipants } from '../../scripts/lib/bench-database';
import { CliHarness } from '../support/cli-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';

const SMT = path.join(__dirname, '../../bin/smt');

describe('report worker killed mid-report', function () {
  this.timeout(180_000);
  let cli: CliHarness;
  let gpg: GpgHome;

  before(() => {
    gpg = new GpgHome();
  });
  after(() => gpg.remove());
  beforeEach(() => (cli = new CliHarness('smt-report-crash-')));
  afterEach(() => cli.remove());

  it('completes the request exactly once after a restart, and no partial file ever shows under a final name', async () => {
    await cli.run('db', 'migrate');
    const key = await generatePgpKeyPair({ name: 'Bench REP', email: 'bench@rep.example' });
    gpg.importKey(key.privateArmored);
    const db = path.join(cli.dataDir, 'smt.sqlite');
    registerBenchParticipants(db, key.publicArmored);
    const esiids = benchEsiids(10_000);
    const day = addDays(cptToday(), -2);
    prefillDays(db, esiids, day, 2);
    const list = path.join(cli.dataDir, 'esiids.txt');
    fs.writeFileSync(list, esiids.join('\n'));
    const from = day.slice(5, 7) + '/' + day.slice(8) + '/' + day.slice(0, 4);
    const queued = await cli.run('report', '--type', 'interval', '--duns', BENCH_REP, '--from', from, '--to', from, '--esiids-file', list, '--deliver');
    expect(queued.status, queued.err).to.equal(0);
    const env = { ...process.env, SMT_DATA_DIR: cli.dataDir, SMT_REPORT_CLAIM_TIMEOUT_S: '1', SMT_REPORT_MAX_FILE_MB: '20' };
    const folder = path.join(cli.dataDir, 'ftps', BENCH_REP, 'adhoc');
    // Kill the worker once it has begun writing (a partial file exists), before it publishes.
    const child = spawn(process.execPath, [SMT, 'reports', 'run'], { env, stdio: 'ignore' });
    const finalNamesSeen: string[] = [];
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const names = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
        finalNamesSeen.push(...names.filter((n) => !n.startsWith(PARTIAL_PREFIX)));
        if (names.some((n) => n.startsWith(PARTIAL_PREFIX))) {
          child.kill('SIGKILL');
          clearInterval(poll);
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        resolve();
      });
    });
    expect(finalNamesSeen, 'no file under a final name before publishing').to.deep.equal([]);
    const status = () => new Database(db, { readonly: true }).prepare('SELECT status FROM report_request').pluck().get();
    expect(status()).to.equal('PRC');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const rerun = spawn(process.execPath, [SMT, 'reports', 'run'], { env, stdio: 'ignore' });
    expect(await new Promise((resolve) => rerun.on('exit', resolve))).to.equal(0);
    expect(status()).to.equal('0');
    const delivered = fs.readdirSync(folder).filter((n) => !n.startsWith(PARTIAL_PREFIX)).sort();
    expect(delivered.length).to.be.at.least(2);
    const rows = delivered.map((name) => unzipOnly(gpg.decrypt(path.join(folder, name)), cli.dataDir).content.toString('latin1').split('\r\n').filter(Boolean).length - 1);
    expect(rows.reduce((a, b) => a + b, 0), 'every row exactly once').to.equal(10_000 * 96);
  });
});
