import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';
import { GpgHome, unzipOnly } from '../support/gpg-home';

describe('report delivery (zipped, PGP-encrypted files in per-DUNS folders)', () => {
  let cli: CliHarness;
  let gpg: GpgHome;

  before(async () => {
    cli = new CliHarness('smt-delivery-');
    gpg = new GpgHome();
    await importRegistryFixtures(cli);
    const rep = await generatePgpKeyPair({ name: 'Demo REP', email: 'edi@demo-rep.example' });
    gpg.importKey(rep.privateArmored);
    const keyFile = path.join(cli.dataDir, 'demo-rep.asc');
    fs.writeFileSync(keyFile, rep.publicArmored);
    expect((await cli.run('entity', 'update', 'Demo REP', '--pgp-key', keyFile)).status).to.equal(0);
    expect((await cli.ingestJson(lseFixture('100000001IntervalData20250702060000001.lse'))).status).to.equal(0);
  });
  after(() => {
    gpg.remove();
    cli.remove();
  });

  const adhoc = () => path.join(cli.dataDir, 'ftps', '200000001', 'adhoc');
  const correlationOf = (out: string) => /correlation id (\S+):/.exec(out)![1];
  const decryptCsv = (file: string) => {
    const { name, content } = unzipOnly(gpg.decrypt(file), cli.dataDir);
    return { name, csv: content.toString('utf8') };
  };

  it('delivers exactly the CSV the synchronous report prints, as a file gpg and unzip read', async () => {
    const args = ['--type', 'interval', '--duns', '200000001', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000001', '--esiid', '10443720000000002', '--reading', 'A'];
    const sync = await cli.run('report', ...args);
    const queued = await cli.run('report', ...args, '--deliver');
    expect(queued.out).to.match(/: PEN/);
    expect((await cli.run('reports', 'run')).out).to.contain('1 request(s) processed');
    const status = JSON.parse((await cli.run('requests', '--id', correlationOf(queued.out), '--json')).out);
    expect(status.statusCode).to.equal('0');
    expect(status.files).to.have.length(1);
    const fileName: string = status.files[0].fileName;
    expect(fileName).to.match(/^IntervalMeterUsage\d{14}001\.CSV\.200000001\.asc$/);
    expect(fs.readdirSync(adhoc())).to.deep.equal([fileName]);
    expect(fs.readFileSync(path.join(adhoc(), fileName), 'latin1')).to.match(/^-----BEGIN PGP MESSAGE-----/);
    const { name, csv } = decryptCsv(path.join(adhoc(), fileName));
    expect(name).to.equal(fileName.replace(/\.200000001\.asc$/, ''));
    expect(csv).to.equal(sync.out);
    expect(status.files[0].records).to.equal(4 * 96);
  });

  it('fails a request of a REP without a PGP key with a clear reason and writes no file', async () => {
    const queued = await cli.run('report', '--type', 'daily', '--duns', '200000002', '--from', '07/01/2025', '--to', '07/01/2025', '--esiid', '10443720000000007', '--deliver');
    await cli.run('reports', 'run');
    const status = JSON.parse((await cli.run('requests', '--id', correlationOf(queued.out), '--json')).out);
    expect(status.statusCode).to.equal('NOKEY');
    expect(status.statusReason).to.contain('no PGP public key');
    expect(fs.existsSync(path.join(cli.dataDir, 'ftps', '200000002'))).to.equal(false);
  });

  it('deletes files past the retention period and marks their requests expired', async () => {
    const app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir }));
    try {
      const before = fs.readdirSync(adhoc()).length;
      expect(before).to.be.above(0);
      const result = await (await app.retention()).run(new Date(Date.now() + 11 * 86_400_000));
      expect(result.filesDeleted).to.equal(before);
      expect(fs.readdirSync(adhoc())).to.deep.equal([]);
      const expired = (await cli.run('requests', '--status', 'EXP', '--json')).out.trim().split('\n').map((l) => JSON.parse(l));
      const unknownStatus = await cli.run('requests', '--status', 'DONE');
      expect(unknownStatus.status).to.equal(2);
      expect(unknownStatus.err).to.contain('--status "DONE" is not one of 0, PEN, PRC, PUB, NAU, NOKEY, ERR, EXP');
      expect(expired.length).to.be.above(0);
      expect(expired[0].files[0].removed).to.equal(true);
    } finally {
      await app.close();
    }
    // Read once the app has closed its log: winston writes the file asynchronously.
    expect(fs.readFileSync(path.join(cli.dataDir, 'logs', 'smt.log'), 'utf8')).to.contain('retention: report file deleted');
  });

  it('posts a day once per REP DUNS into daily/, and sends revised records with the next posting', async () => {
    const first = await cli.run('post-daily', '--date', '2025-07-01', '--duns', '200000001');
    expect(first.out).to.contain('200000001: queued');
    await cli.run('reports', 'run');
    // A revision of 07/01 (ESI IDs 01 and 02) and a new day arrive before the next morning.
    await cli.ingestJson(lseFixture('100000001IntervalData20250703060000001.lse'), lseFixture('broken/100000001IntervalData20250703070000001.lse'));
    const second = await cli.run('post-daily', '--date', '2025-07-02', '--duns', '200000001');
    expect(second.out).to.contain('200000001: queued');
    await cli.run('reports', 'run');
    const daily = path.join(cli.dataDir, 'ftps', '200000001', 'daily');
    const files = fs.readdirSync(daily).sort();
    expect(files.filter((f) => f.startsWith('IntervalMeterUsage'))).to.have.length(2);
    expect(files.filter((f) => f.startsWith('DailyMeterUsage'))).to.have.length(2);
    const newest = files.filter((f) => f.startsWith('IntervalMeterUsage')).map((f) => decryptCsv(path.join(daily, f)).csv);
    const secondPosting = newest.find((csv) => csv.includes(',07/02/2025,'))!;
    const revisedDays = new Set(secondPosting.split('\r\n').filter((l) => l.includes(',07/01/2025,')).map((l) => l.split(',')[0]));
    expect([...revisedDays].sort()).to.deep.equal(["'10443720000000001", "'10443720000000002"]);
    expect(secondPosting).to.contain(',07/01/2025,07/03/2025 06:00:00,');
  });
});
