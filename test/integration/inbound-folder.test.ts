import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { InboundFolderWorker } from '../../src/ingest/inbound-folder.worker';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';

describe('inbound folders under smt serve', function () {
  this.timeout(60_000);
  let cli: CliHarness;
  let app: App;

  beforeEach(async () => {
    cli = new CliHarness('smt-inbound-');
    await importRegistryFixtures(cli);
    app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir }));
  });
  afterEach(async () => {
    await app.close();
    cli.remove();
  });

  it('loads what it can open and answers a file it cannot open with an F2 activity report saying why', async () => {
    const tdsp = path.join(app.ftpsRoot, '100000001');
    fs.mkdirSync(path.join(tdsp, 'inbound'), { recursive: true });
    const good = '100000001IntervalData20250702060000001.lse';
    fs.copyFileSync(lseFixture(good), path.join(tdsp, 'inbound', good));
    fs.writeFileSync(path.join(tdsp, 'inbound', '100000001IntervalData20250703060000001.lse.pgp'), 'not an OpenPGP message');
    const key = await app.platformKey();
    fs.mkdirSync(app.tempDir, { recursive: true });
    const worker = new InboundFolderWorker(await app.ingestService(), app.logger, {
      ftpsRoot: app.ftpsRoot, tempDir: app.tempDir, maxFileBytes: 1024 * 1024, pollMs: 1000, platformKey: async () => key.privateKey,
      ownerOf: async (duns) => (await app.registry()).findParticipantByDuns(duns),
    });
    await worker.scan();

    expect(fs.readdirSync(path.join(tdsp, 'inbound'))).to.deep.equal([]);
    expect(fs.readdirSync(path.join(tdsp, 'processed')).sort()).to.deep.equal([good, '100000001IntervalData20250703060000001.lse.pgp']);
    const reports = fs.readdirSync(path.join(tdsp, 'reports')).sort();
    expect(reports).to.have.length(2);
    const unopened = fs.readFileSync(path.join(tdsp, 'reports', reports.find((r) => r.includes('.lse.pgp'))!), 'utf8');
    expect(unopened).to.match(/^FILE,100000001IntervalData20250703060000001\.lse\.pgp,,,,F2,0,.*the file could not be opened: .*not an OpenPGP message/m);
    const rows = await (await app.db()).query(`SELECT "status", "file_code" FROM "ingest_file" ORDER BY "id"`);
    expect(rows.map((r: { status: string; file_code: string | null }) => `${r.status} ${r.file_code}`)).to.deep.equal(['loaded null', 'rejected F2']);
  });
});
