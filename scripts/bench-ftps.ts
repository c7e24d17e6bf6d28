/**
 * FTPS benchmark against a real `smt serve`: a REP downloads a 200 MB file from its adhoc/ folder,
 * and a TDSP uploads a 50,000-record LSE file to inbound/; prints MB/s and the time from upload
 * completion to the activity report appearing in reports/.
 *   npm run bench:ftps [-- --mb 200]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client as FtpClient } from 'basic-ftp';
import { generateLseSet } from './lib/lse-generator';
import { startPlatform } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:ftps -- [options]
  --mb N        size of the file the REP downloads, in MB (default 200)
  --help, -h    this text`;

async function main(): Promise<void> {
  const values = benchArgs('bench:ftps', USAGE, { mb: { type: 'string', default: '200' } });
  const platform = await startPlatform();
  try {
    const { dataDir, ftpsPort } = platform;
    const ca = fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8');
    const password = (name: string) => fs.readFileSync(path.join(dataDir, 'demo', name, 'ftp-password.txt'), 'utf8').trim();

    const size = Number(values.mb) * 1024 * 1024;
    const big = path.join(dataDir, 'ftps', '200000001', 'adhoc', 'bench-download.bin');
    fs.mkdirSync(path.dirname(big), { recursive: true });
    fs.writeFileSync(big, crypto.randomBytes(size));
    const rep = await connect(ftpsPort, 'Demo REP', password('demo-rep'), ca);
    let received = 0;
    const sink = new Writable({ write(chunk: Buffer, _e, done) { received += chunk.length; done(); } });
    let t = process.hrtime.bigint();
    await rep.downloadTo(sink, '/200000001/adhoc/bench-download.bin');
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    if (received !== size) throw new Error(`downloaded ${received} of ${size} bytes`);
    log(`RESULT ftps download ${values.mb} MB in ${seconds.toFixed(2)} s: ${(size / 1024 / 1024 / seconds).toFixed(0)} MB/s`);
    rep.close();

    const set = await generateLseSet({ out: path.join(dataDir, 'bench-lse'), records: 50_000, esiids: 50_000, sender: '100000001', rep: '200000001', badPercent: 1, seed: 3, startDay: '2025-07-01' });
    const file = set.files[0];
    const name = path.basename(file);
    const tdsp = await connect(ftpsPort, 'Demo TDSP', password('demo-tdsp'), ca);
    t = process.hrtime.bigint();
    await tdsp.uploadFrom(file, `/100000001/inbound/${name}`);
    const uploadSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const uploaded = process.hrtime.bigint();
    for (;;) {
      const reports = await tdsp.list('/100000001/reports');
      if (reports.some((r) => r.name.startsWith(name))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const toReport = Number(process.hrtime.bigint() - uploaded) / 1e9;
    const mb = fs.statSync(file).size / 1024 / 1024;
    log(`RESULT ftps upload of a 50,000-record LSE file (${mb.toFixed(0)} MB) in ${uploadSeconds.toFixed(2)} s (${(mb / uploadSeconds).toFixed(0)} MB/s); activity report ${toReport.toFixed(2)} s after the upload completed`);
    tdsp.close();
  } finally {
    await platform.stop();
  }
}

async function connect(port: number, user: string, password: string, ca: string): Promise<FtpClient> {
  const client = new FtpClient(60_000);
  await client.access({ host: 'localhost', port, user, password, secure: true, secureOptions: { ca } });
  return client;
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:ftps failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
