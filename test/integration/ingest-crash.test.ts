import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { CliHarness, importRegistryFixtures } from '../support/cli-harness';
import { generateLseSet } from '../../scripts/lib/lse-generator';
import { createLseWriter, lseFileName } from '../../scripts/lib/lse-writer';

const SMT = path.join(__dirname, '../../bin/smt');

describe('smt ingest under stress', function () {
  this.timeout(180_000);
  let cli: CliHarness;

  beforeEach(async () => {
    cli = new CliHarness('smt-ingest-crash-');
    await importRegistryFixtures(cli);
  });
  afterEach(() => cli.remove());

  const storedRows = (): number => {
    const db = new Database(path.join(cli.dataDir, 'smt.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM interval_day').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('survives kill -9 mid-load: reported files are stored, none half-stored, and a re-run completes without duplicates', async () => {
    const lseDir = path.join(cli.dataDir, 'in');
    const set = await generateLseSet({ out: lseDir, records: 120_000, esiids: 20_000, perFile: 20_000, sender: '100000001', rep: '200000001', badPercent: 0, seed: 11, startDay: '2025-06-01' });
    const child = spawn(process.execPath, [SMT, 'ingest', '--json', lseDir], { env: { ...process.env, SMT_DATA_DIR: cli.dataDir } });
    const reported: number[] = [];
    let buffered = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) reported.push(JSON.parse(line).records.byCode['00']);
        if (reported.length >= 2) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(reported.length).to.be.within(2, set.files.length - 1);
    const afterCrash = storedRows();
    // Whole files only: the stored rows are exactly the sum of some first files, at least those reported.
    const perFile = 20_000;
    expect(afterCrash % perFile).to.equal(0);
    expect(afterCrash).to.be.at.least(reported.reduce((a, b) => a + b, 0));
    const rerun = await cli.ingestJson(lseDir);
    expect(rerun.status).to.equal(0);
    const loadedNow = rerun.results.reduce((n, r) => n + (r.records.byCode['00'] ?? 0), 0);
    const unchanged = rerun.results.reduce((n, r) => n + (r.records.byCode['08'] ?? 0), 0);
    expect(loadedNow + unchanged).to.equal(set.records);
    expect(unchanged).to.equal(afterCrash);
    expect(storedRows()).to.equal(set.records);
  });

  it('rejects a file of more than 50,000 records as a whole (F1) and stores nothing', async () => {
    const file = path.join(cli.dataDir, lseFileName('100000001', '20250702060000', 1));
    const writer = createLseWriter(file);
    const values = new Array(96).fill(0.25);
    for (let i = 0; i < 50_001; i++) {
      await writer.write({ esiid: `9${String(i).padStart(16, '0')}`, channel: 4, day: '2025-07-01', version: '20250702060000', sender: '100000001', rep: null, values });
    }
    await writer.close();
    const { status, results } = await cli.ingestJson(file);
    expect(status).to.equal(1);
    expect(results[0]).to.include({ status: 'rejected', fileCode: 'F1' });
    expect(results[0].records.total).to.equal(50_001);
    expect(storedRows()).to.equal(0);
  });

  it('loads a zipped LSE file encrypted by gpg to the platform key', async () => {
    const exported = await cli.run('keys', 'export-public');
    const gnupgHome = fs.mkdtempSync(path.join(cli.dataDir, 'gnupg-'));
    const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', gnupgHome, '--batch', '--quiet', '--yes', '--trust-model', 'always', ...args], { input: '', stdio: ['pipe', 'pipe', 'pipe'] });
    fs.writeFileSync(path.join(gnupgHome, 'platform.asc'), exported.out);
    gpg('--import', path.join(gnupgHome, 'platform.asc'));
    const work = path.join(cli.dataDir, 'zip');
    fs.mkdirSync(work);
    const lse = path.join(__dirname, '../../fixtures/lse/100000001IntervalData20250702060000001.lse');
    fs.copyFileSync(lse, path.join(work, path.basename(lse)));
    const zip = path.join(work, '100000001IntervalData20250702060000001.zip');
    execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); z.write(sys.argv[2], sys.argv[3]); z.close()', zip, path.join(work, path.basename(lse)), path.basename(lse)]);
    gpg('--encrypt', '--recipient', 'platform@smt-platform.invalid', '--output', `${zip}.pgp`, zip);
    try {
      const { status, results } = await cli.ingestJson(`${zip}.pgp`);
      expect(status).to.equal(0);
      expect(results[0].file).to.equal('100000001IntervalData20250702060000001.zip.pgp!100000001IntervalData20250702060000001.lse');
      expect(results[0].records.byCode).to.deep.equal({ '00': 12 });
      expect(fs.readdirSync(path.join(cli.dataDir, 'tmp'))).to.deep.equal([]);
    } finally {
      execFileSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'all']);
    }
  });
});
