import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import { certificateInfo } from '../../src/security/pki';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { createTestDatabase } from '../support/postgres-database';
import { expectSmtError } from '../support/run-tool';

/** The server-database path on a real PostgreSQL; each run gets a database of its own. */
const SMT = path.join(__dirname, '../../bin/smt');

describe('on PostgreSQL (SMT_DB_TYPE=postgres)', function () {
  this.timeout(120_000);
  let cli: CliHarness;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  before(async function () {
    database = await createTestDatabase('smt_test');
    if (!database) this.skip();
    cli = new CliHarness('smt-pg-', { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url });
    await importRegistryFixtures(cli);
  });
  after(async () => {
    cli?.remove();
    await database?.drop();
  });

  it('loads LSE files with the same result codes as the embedded database', async () => {
    const first = await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'), lseFixture('broken/100000001IntervalData20250703070000001.lse'));
    expect(first.results.map((r) => r.records.byCode)).to.deep.equal([{ '00': 12 }, { '00': 3, '01': 3, '02': 2, '03': 2, '04': 1, '06': 2, '07': 1 }]);
    const again = await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'));
    expect(again.results[0].records.byCode).to.deep.equal({ '08': 12 });
    const rejected = await cli.ingestJson(lseFixture('broken/100000001IntervalData20250706070000001.lse'));
    expect(rejected.results[0]).to.include({ status: 'rejected', fileCode: 'F2' });
    const usage = await cli.run('usage', '10443720000000001', '--from', '2025-07-01', '--to', '2025-07-01', '--channel', '4');
    expect(usage.out.trim().split('\n')).to.have.length(97);
  });

  it('answers reports with the same access rules', async () => {
    const r = await cli.run('report', '--type', 'daily', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025',
      '--esiid', '10443720000000001', '--esiid', '10443720000000007');
    expect(r.err).to.contain('not authorized for DUNS 200000001 (1): 10443720000000007');
    expect(r.out.trim().split('\r\n')).to.have.length(2);
  });

  it('lets two worker processes share the queue: each request is produced exactly once', async () => {
    const key = await generatePgpKeyPair({ name: 'Demo REP', email: 'edi@demo-rep.example' });
    const keyFile = path.join(cli.dataDir, 'rep.asc');
    fs.writeFileSync(keyFile, key.publicArmored);
    await cli.run('entity', 'update', 'Demo REP', '--pgp-key', keyFile);
    for (let i = 0; i < 6; i++) {
      const q = await cli.run('report', '--type', 'interval', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', `1044372000000000${1 + (i % 5)}`, '--deliver');
      expect(q.status, q.err).to.equal(0);
    }
    const workers = [0, 1].map(() => spawn(process.execPath, [SMT, 'reports', 'run'], { env: cli.childEnv(), stdio: ['ignore', 'pipe', 'inherit'] }));
    const outputs = await Promise.all(workers.map((w) => new Promise<string>((resolve) => {
      let out = '';
      w.stdout!.on('data', (d) => (out += d));
      w.on('exit', () => resolve(out));
    })));
    const produced = outputs.map((o) => Number(/(\d+) request\(s\) processed/.exec(o)![1]));
    expect(produced[0] + produced[1]).to.equal(6);
    const statuses = (await cli.run('requests', '--json')).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(statuses.map((s) => s.statusCode)).to.deep.equal(['0', '0', '0', '0', '0', '0']);
    expect(fs.readdirSync(path.join(cli.dataDir, 'ftps', '200000001', 'adhoc')).filter((n) => !n.startsWith('.'))).to.have.length(6);
  });

  it('registers certificates and addresses, identifies the caller and revokes, as on the embedded database', async () => {
    const keys = path.join(cli.dataDir, 'pg-keys');
    for (const args of [['pki', 'init'], ['pki', 'issue', '--cn', 'pg-rep', '--out', keys]]) {
      const r = await cli.run(...args);
      expect(r.status, r.err).to.equal(0);
    }
    const certFile = path.join(keys, 'pg-rep.crt');
    const update = await cli.run('entity', 'update', 'Demo REP', '--cert', certFile, '--ip', '127.0.0.1,2001:DB8::1');
    expect(update.status, update.err).to.equal(0);
    const { fingerprint256, serialHex } = certificateInfo(fs.readFileSync(certFile, 'utf8'));
    const app = createApp(loadConfig(cli.childEnv()));
    try {
      const credentials = await app.credentials();
      expect(await credentials.identifyClient(fingerprint256)).to.deep.include({ name: 'Demo REP', ips: ['127.0.0.1', '2001:db8::1'], revoked: false });
      expect((await cli.run('cert', 'revoke', serialHex)).status).to.equal(0);
      expect((await credentials.identifyClient(fingerprint256))!.revoked).to.equal(true);
    } finally {
      await app.close();
    }
    expect((await cli.run('entity', 'list')).out).to.contain('pg-rep (tls, REVOKED)');
  });

  it('keeps FTPS passwords and logs in by name in any case or by DUNS, as on the embedded database', async () => {
    const file = path.join(cli.dataDir, 'pg-password.txt');
    fs.writeFileSync(file, 'a postgres passphrase\n');
    expect((await cli.run('entity', 'set-password', 'Demo REP', '--password-file', file)).status).to.equal(0);
    const app = createApp(loadConfig(cli.childEnv()));
    try {
      const accounts = await app.ftpAccounts();
      for (const user of ['demo REP', '200000001']) {
        expect(await accounts.authenticateFtpUser(user, 'a postgres passphrase', '127.0.0.1', null)).to.deep.include({ name: 'Demo REP', kind: 'REP' });
      }
      await expectSmtError(accounts.authenticateFtpUser('Demo REP', 'wrong passphrase', '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
    } finally {
      await app.close();
    }
  });
});
