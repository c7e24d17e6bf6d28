import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generateLseSet, generatedEsiid } from '../../scripts/lib/lse-generator';
import { CliHarness, importRegistryFixtures } from '../support/cli-harness';

const SMT = path.join(__dirname, '../../bin/smt');

/** Runs a shell pipeline the way an operator types it, and collects what the shell prints. */
function shell(script: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', ['-o', 'pipefail', '-c', script], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

describe('smt output into a pipe that closes early', function () {
  this.timeout(120_000);
  let cli: CliHarness;
  let lseDir: string;

  before(async () => {
    cli = new CliHarness('smt-pipe-');
    lseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-pipe-lse-'));
    await importRegistryFixtures(cli);
    // 60 days of one ESI ID on two channels: far more than a pipe buffer holds, so the reader is gone before smt is done.
    await generateLseSet({ out: lseDir, records: 120, esiids: 1, sender: '100000001', rep: '200000001', badPercent: 0, seed: 3, startDay: '2025-05-01' });
    expect((await cli.ingestJson(lseDir)).status).to.equal(0);
  });
  after(() => {
    cli.remove();
    fs.rmSync(lseDir, { recursive: true, force: true });
  });

  it('smt usage … | head -1 prints the header and ends quietly, with no stack trace', async () => {
    const full = await cli.run('usage', generatedEsiid(1), '--from', '2025-05-01', '--to', '2025-06-29');
    expect(full.out.length, 'the whole output must not fit in a pipe buffer').to.be.above(256 * 1024);
    const piped = await shell(`"${process.execPath}" "${SMT}" usage ${generatedEsiid(1)} --from 2025-05-01 --to 2025-06-29 | head -1`, cli.childEnv());
    expect(piped.out).to.equal('OPERATING_DAY,CHANNEL,INTERVAL,INTERVAL_END,KWH,STATUS,VERSION\n');
    expect(piped.err).to.equal('');
    expect(piped.status, 'smt ends with status 0 when its reader has had enough').to.equal(0);
  });

  it('ends quietly too when stderr is the pipe that closes (2>&1 | head -1)', async () => {
    const piped = await shell(`"${process.execPath}" "${SMT}" usage ${generatedEsiid(1)} --from 2025-05-01 --to 2025-06-29 2>&1 | head -1`, cli.childEnv());
    expect(piped.out).to.equal('OPERATING_DAY,CHANNEL,INTERVAL,INTERVAL_END,KWH,STATUS,VERSION\n');
    expect(piped.err).to.equal('');
    expect(piped.status).to.equal(0);
  });
});
