import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { formatLseRecord, type LseRecordSpec } from '../../scripts/lib/lse-writer';
import { InboundFolderWorker } from '../../src/ingest/inbound-folder.worker';
import { CliHarness, lseFixture } from '../support/cli-harness';
import { filesIn, FtpsHarness, TDSP_DUNS } from '../support/ftps-harness';

const OTHER_TDSP = '100000002';
const OTHER_ESIID = '1008901000000000000001';
const OTHER_DAY_FILE = '100000002IntervalData20250702060000001.lse';

/** A record of TDSP Y's meter as a forger would write it: Y's DUNS as sender, a newer version. */
function forged(day: string, rep: string, kwh: number): LseRecordSpec {
  const next = day.replace(/-/g, '');
  return { esiid: OTHER_ESIID, channel: 4, day, version: `${String(Number(next) + 2)}060000`, sender: OTHER_TDSP, rep, values: Array(96).fill(kwh) };
}

describe('ingest binds records to the participant that uploaded them (FTPS inbound/)', function () {
  this.timeout(120_000);
  const harness = new FtpsHarness();
  let worker: InboundFolderWorker;

  const db = async () => harness.app.db();
  const otherTdspState = async () => ({
    intervals: await (await db()).query(`SELECT operating_day, version FROM interval_day WHERE esiid = '${OTHER_ESIID}' ORDER BY operating_day, version`),
    stretches: await (await db()).query(`SELECT rep_duns, effective_from, effective_to, source FROM rep_of_record WHERE esiid = '${OTHER_ESIID}' ORDER BY id`),
  });

  before(async () => {
    await harness.start();
    const registry = await harness.app.registry();
    await registry.addParticipant({ name: 'Other TDSP', kind: 'TDSP', duns: [OTHER_TDSP] });
    await registry.addParticipant({ name: 'Second REP', kind: 'REP', duns: ['200000002'] });
    // Y's own day, loaded by the operator: its ESI ID, its data, its REP of record.
    const loaded = await CliHarness.at(harness.dataDir).ingestJson(lseFixture(OTHER_DAY_FILE));
    expect(loaded.results.map((r) => r.records.byCode), loaded.err).to.deep.equal([{ '00': 1 }]);
    const key = await harness.app.platformKey();
    fs.mkdirSync(harness.app.tempDir, { recursive: true });
    worker = new InboundFolderWorker(await harness.app.ingestService(), harness.app.logger, {
      ftpsRoot: harness.app.ftpsRoot, tempDir: harness.app.tempDir, maxFileBytes: 1024 * 1024, pollMs: 60_000,
      platformKey: async () => key.privateKey, ownerOf: async (duns) => (await harness.app.registry()).findParticipantByDuns(duns),
    });
  });
  after(async () => {
    await worker?.stop();
    await harness.stop();
  });

  it("refuses (09) a TDSP's upload that claims another TDSP as sender: the other TDSP's data, stretches and reports are untouched", async () => {
    const before = await otherTdspState();
    expect(before.intervals).to.have.length(1);
    fs.rmSync(path.join(harness.app.ftpsRoot, OTHER_TDSP, 'reports'), { recursive: true, force: true });
    // A newer version of Y's day (a REP's daily read would change), and a day no stretch covers (a stretch for another REP).
    const lse = formatLseRecord(forged('2025-07-01', '2000000011234', 2.5)) + formatLseRecord(forged('2025-07-02', '200000002', 2.5));
    // Named with Y's DUNS: the name must not route the report (with Y's ESI IDs) to Y.
    const name = `${OTHER_TDSP}IntervalData20250703060000001.lse`;
    const client = await harness.client('Demo TDSP', harness.tdsp.password);
    try {
      expect((await client.uploadFrom(Readable.from([Buffer.from(lse, 'latin1')]), `/${TDSP_DUNS}/inbound/${name}`)).code).to.equal(226);
    } finally {
      client.close();
    }
    await worker.scan();

    expect(await otherTdspState(), "TDSP Y's intervals and REP-of-record stretches").to.deep.equal(before);
    expect(filesIn(path.join(harness.app.ftpsRoot, OTHER_TDSP, 'reports')), "nothing in TDSP Y's reports/").to.deep.equal([]);
    const reports = filesIn(harness.folder(TDSP_DUNS, 'reports')).filter((f) => f.startsWith(name));
    expect(reports, "the activity report is in the uploader's reports/").to.have.length(1);
    const report = fs.readFileSync(path.join(harness.folder(TDSP_DUNS, 'reports'), reports[0]), 'utf8');
    expect(report).to.contain(`SUMMARY,${name},,,,09,2,`);
    const rejects = report.split('\r\n').filter((l) => l.startsWith('REJECT,'));
    expect(rejects).to.have.length(2);
    for (const line of rejects) {
      expect(line).to.contain(',09,1,');
      expect(line).to.contain(OTHER_TDSP);
      expect(line).to.contain(TDSP_DUNS);
    }
    const rows = await (await db()).query(`SELECT sender_duns, status, first_day FROM ingest_file WHERE file_name = '${name}'`);
    expect(rows).to.deep.equal([{ sender_duns: TDSP_DUNS, status: 'loaded', first_day: null }]);
    const processed = (await harness.logLines()).find((l) => l.message === 'ingest: file processed' && l.file === name);
    expect(processed).to.include({ loadedBy: 'participant', participant: 'Demo TDSP', uploadDuns: TDSP_DUNS });
  });

  it("loads the uploader's own records and files the report in its own reports/", async () => {
    const name = `${TDSP_DUNS}IntervalData20250702060000001.lse`;
    const client = await harness.client(TDSP_DUNS, harness.tdsp.password);
    try {
      await client.uploadFrom(fs.createReadStream(lseFixture(name)), `/${TDSP_DUNS}/inbound/${name}`);
    } finally {
      client.close();
    }
    await worker.scan();
    const reports = filesIn(harness.folder(TDSP_DUNS, 'reports')).filter((f) => f.startsWith(name));
    expect(reports).to.have.length(1);
    expect(fs.readFileSync(path.join(harness.folder(TDSP_DUNS, 'reports'), reports[0]), 'utf8')).to.contain(`SUMMARY,${name},,,,00,12,loaded`);
  });

  it('does not load files from an inbound/ folder no TDSP owns', async () => {
    const stray = path.join(harness.app.ftpsRoot, '999999999', 'inbound');
    fs.mkdirSync(stray, { recursive: true });
    const name = `${OTHER_TDSP}IntervalData20250704060000001.lse`;
    fs.writeFileSync(path.join(stray, name), formatLseRecord(forged('2025-07-01', '2000000011234', 1.5)), 'latin1');
    const before = await otherTdspState();
    await worker.scan();
    expect(await otherTdspState()).to.deep.equal(before);
    expect(filesIn(stray)).to.deep.equal([]);
    expect(filesIn(path.join(harness.app.ftpsRoot, '999999999', 'processed'))).to.deep.equal([name]);
    expect(filesIn(path.join(harness.app.ftpsRoot, '999999999', 'reports'))).to.deep.equal([]);
    const refused = (await harness.logLines()).find((l) => l.message === 'inbound: folder has no TDSP owner; file not loaded');
    expect(refused).to.include({ duns: '999999999', file: name });
  });
});
