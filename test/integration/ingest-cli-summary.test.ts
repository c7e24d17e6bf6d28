import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateLseSet } from '../../scripts/lib/lse-generator';
import { activityReportPath, writeActivityReport } from '../../src/ingest/activity-report';
import type { FileLoadSummary } from '../../src/ingest/ingest-result';
import { CliHarness, importRegistryFixtures, lseFixture } from '../support/cli-harness';

const REPORTS = (cli: CliHarness) => path.join(cli.dataDir, 'ftps', '100000001', 'reports');

describe('smt ingest on the command line: each file once, reports never overwritten, a summary by code', function () {
  this.timeout(120_000);
  let cli: CliHarness;

  beforeEach(async () => {
    cli = new CliHarness('smt-ingest-cli-');
    await importRegistryFixtures(cli);
  });
  afterEach(() => cli.remove());

  it('loads a folder named again inside another folder given (fixtures/lse fixtures/lse/broken) once', async () => {
    const r = await cli.run('ingest', '--json', 'fixtures/lse', 'fixtures/lse/broken', '--for', '100000001');
    const files = r.out.trim().split('\n').map((l) => JSON.parse(l).file as string);
    expect(files).to.have.length(new Set(files).size);
    expect(files.filter((f) => f.includes('20250703070000001'))).to.have.length(1);
    const reports = fs.readdirSync(REPORTS(cli));
    expect(reports).to.have.length(files.length);
  });

  it('never writes an activity report over another of the same name (the same file loaded twice within a second)', async () => {
    const at = '2026-12-04T17:00:00.123Z';
    const summary = (total: number): FileLoadSummary => ({
      file: '100000001IntervalData20250702060000001.lse', senderDuns: '100000001', status: 'loaded', fileCode: null, fileReason: null, total,
      firstDay: '2025-07-01', lastDay: '2025-07-01', byCode: { '00': total }, rejected: [], startedAt: at, finishedAt: at, reportPath: null,
    });
    const target = activityReportPath(path.join(cli.dataDir, 'ftps'), '100000001', summary(12));
    const first = await writeActivityReport(target, summary(12));
    const second = await writeActivityReport(target, summary(7));
    expect(first).to.equal(target);
    expect(second).to.not.equal(first);
    expect(fs.readFileSync(first, 'utf8')).to.contain(',00,12,');
    expect(fs.readFileSync(second, 'utf8')).to.contain(',00,7,');
    expect(fs.readdirSync(REPORTS(cli))).to.have.length(2);
    // Named after the ones written: the path the database keeps is the file's.
    const third = activityReportPath(path.join(cli.dataDir, 'ftps'), '100000001', summary(5));
    expect(third).to.match(/\.20261204170000\.3\.activity\.csv$/);
    expect(await writeActivityReport(third, summary(5))).to.equal(third);
    // Taken meanwhile (another process): the next free name, still nothing overwritten.
    expect(await writeActivityReport(third, summary(4))).to.match(/\.20261204170000\.4\.activity\.csv$/);
    expect(fs.readFileSync(third, 'utf8')).to.contain(',00,5,');
  });

  it('says read N, stored M, rejected K by code, and summarises repeated errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-ingest-cli-lse-'));
    try {
      // Another TDSP's file loaded as the demo TDSP: every record is refused (09).
      await generateLseSet({ out: dir, records: 40, esiids: 40, sender: '100000002', rep: '200000001', badPercent: 0, seed: 5, startDay: '2025-05-01' });
      const r = await cli.run('ingest', dir, '--for', '100000001');
      const lines = r.out.trim().split('\n');
      expect(lines[0]).to.match(/: read 40 record\(s\), stored 0, rejected 40 \(09: 40\)$/);
      expect(r.out).to.contain('… and 37 more');
      expect(lines.length, r.out).to.be.below(10);
      const good = await cli.run('ingest', lseFixture('100000001IntervalData20250702060000001.lse'));
      expect(good.out).to.match(/read 12 record\(s\), stored 12, rejected 0\n/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
