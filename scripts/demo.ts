/**
 * The newcomer demo: the whole flow as the demo TDSP and the demo REP live it.
 *   npm run demo                 (starts its own platform on a temporary data dir)
 *   npm run demo -- --data var   (against a running `npm start` and its data dir; its ports and addresses are
 *                                 read from SMT_SOAP_PORT, SMT_SOAP_PUBLIC_URL, SMT_FTPS_PORT, SMT_FTPS_PUBLIC_URL as smt serve reads them)
 * 1. The TDSP uploads LSE files over FTPS and waits for their activity report.
 * 2. The REP calls SubmitUsageRequest over SOAP (mutual TLS, signed message).
 * 3. It polls GetUsageRequestStatus until the file is delivered.
 * 4. It downloads the file over FTPS, decrypts it with its PGP key, unzips it, prints the first rows.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Client as FtpClient } from 'basic-ftp';
import * as openpgp from 'openpgp';
import * as soap from 'soap';
import yauzl from 'yauzl';
import { addressHelp, platformAddress } from './lib/platform-address';
import { startPlatform, type PlatformProcess } from './lib/platform-process';

const ROOT = path.join(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'fixtures', 'lse');
const UPLOADS = ['100000001IntervalData20250702060000001.lse', '100000001IntervalData20250716060000001.lse'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(['npm run demo [-- --data DIR [--url URL]]: without --data, the demo starts its own platform on a temporary data dir and free ports;',
      'with --data, it runs against the platform running on that data dir (npm start: --data var).', ...addressHelp('MeterUsage')].join('\n'));
    return;
  }
  const platform = values.data === undefined ? await startOwnPlatform() : null;
  const running = platform ? null : platformAddress(process.env, { data: values.data });
  const dataDir = platform?.dataDir ?? running!.dataDir;
  const soapUrl = values.url ?? (platform ? `https://localhost:${platform.soapPort}` : running!.soapUrl);
  const ftpsHost = platform ? 'localhost' : running!.ftpsHost;
  const ftpsPort = platform?.ftpsPort ?? running!.ftpsPort;
  try {
    const ca = fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8');
    const tdsp = demo(dataDir, 'demo-tdsp');
    const rep = demo(dataDir, 'demo-rep');

    step('1. Demo TDSP logs in over FTPS (AUTH TLS, PROT P) and uploads LSE files to inbound/');
    const tdspFtp = await ftps(ftpsHost, ftpsPort, 'Demo TDSP', tdsp.ftpPassword, ca);
    const earlier = new Set((await tdspFtp.list('/100000001/reports')).map((f) => f.name));
    const newReports = async () => (await tdspFtp.list('/100000001/reports')).filter((f) => !earlier.has(f.name));
    for (const name of UPLOADS) {
      await tdspFtp.uploadFrom(path.join(FIXTURES, name), `/100000001/inbound/${name}`);
      say(`uploaded ${name}`);
    }
    say('waiting for the activity reports in reports/ ...');
    await waitFor(async () => (await newReports()).filter((f) => UPLOADS.some((u) => f.name.startsWith(u))).length >= UPLOADS.length, 60_000, 'the activity reports');
    for (const file of await newReports()) say(`activity report: ${file.name}`);
    tdspFtp.close();

    step('2. Demo REP calls SubmitUsageRequest over SOAP (mutual TLS with its certificate, WS-Security signature)');
    const agent = new https.Agent({ cert: rep.cert, key: rep.key, ca, keepAlive: true });
    const endpoint = `${soapUrl.replace(/\/+$/, '')}/MeterUsage`;
    const client = await soap.createClientAsync(`${endpoint}?wsdl`, { wsdl_options: { httpsAgent: agent } });
    client.setEndpoint(endpoint);
    client.setSecurity(new soap.WSSecurityCert(rep.key, rep.cert, '', {
      hasTimeStamp: true, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', signerOptions: { idMode: 'wssecurity' },
    } as never));
    const [submitted] = await client.SubmitUsageRequestAsync({
      trans_id: 'demo-1', requestorID: 'demo-rep', requesterType: 'ROR', requesterAuthenticationID: '200000001', reportType: 'INTERVAL',
      startDate: '07/01/2025', endDate: '07/16/2025', esiid: ['10443720000000001', '10443720000000002'],
    }, { httpsAgent: agent });
    say(`correlation id ${submitted.correlationId}, status ${submitted.statusCode}`);

    step('3. Demo REP polls GetUsageRequestStatus');
    let status: { statusCode: string; file?: { fileName: string; recordCount: number } | { fileName: string; recordCount: number }[] } = { statusCode: 'PEN' };
    await waitFor(async () => {
      [status] = await client.GetUsageRequestStatusAsync({ trans_id: 'demo-2', requestorID: 'demo-rep', correlationId: submitted.correlationId }, { httpsAgent: agent });
      say(`status ${status.statusCode}`);
      return !['PEN', 'PRC', 'PUB'].includes(status.statusCode);
    }, 60_000, 'the report');
    const file = [status.file ?? []].flat()[0];
    if (status.statusCode !== '0' || !file) throw new Error(`the request ended with status ${status.statusCode}`);
    say(`delivered ${file.fileName} (${file.recordCount} records)`);

    step('4. Demo REP downloads the file over FTPS, decrypts it with its PGP key and unzips it');
    const repFtp = await ftps(ftpsHost, ftpsPort, 'Demo REP', rep.ftpPassword, ca);
    const chunks: Buffer[] = [];
    await repFtp.downloadTo(new Writable({ write(chunk, _e, done) { chunks.push(chunk); done(); } }), `/200000001/adhoc/${file.fileName}`);
    repFtp.close();
    const message = await openpgp.readMessage({ armoredMessage: Buffer.concat(chunks).toString('utf8') });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: await openpgp.readPrivateKey({ armoredKey: rep.pgpPrivate }), format: 'binary' });
    const csv = await firstZipEntry(Buffer.from(data as Uint8Array));
    const lines = csv.split('\r\n');
    say(`the CSV has ${lines.filter(Boolean).length - 1} rows; the first ones:`);
    for (const line of lines.slice(0, 6)) say(`  ${line}`);
    step('Done: LSE upload → ingest → SOAP request → encrypted file over FTPS → decrypted rows.');
  } finally {
    await platform?.stop();
  }
}

async function startOwnPlatform(): Promise<PlatformProcess> {
  step('Starting the platform (smt serve) on a temporary data dir');
  const platform = await startPlatform();
  say(`data ${platform.dataDir}, SOAP port ${platform.soapPort}, FTPS port ${platform.ftpsPort}`);
  return platform;
}

function demo(dataDir: string, name: string) {
  const dir = path.join(dataDir, 'demo', name);
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  return { cert: read('client.crt'), key: read('client.key'), pgpPrivate: read('pgp-private.asc'), ftpPassword: read('ftp-password.txt').trim() };
}

async function ftps(host: string, port: number, user: string, password: string, ca: string): Promise<FtpClient> {
  const client = new FtpClient(30_000);
  await client.access({ host, port, user, password, secure: true, secureOptions: { ca } });
  return client;
}

function firstZipEntry(zip: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      archive.readEntry();
      archive.once('entry', (entry) => archive.openReadStream(entry, (e, stream) => {
        if (e || !stream) return reject(e);
        const parts: Buffer[] = [];
        stream.on('data', (d: Buffer) => parts.push(d));
        stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      }));
    });
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function step(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

function say(text: string): void {
  process.stdout.write(`   ${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`\ndemo failed: ${(error as { body?: string }).body ?? (error as Error).message}\n`);
  process.exitCode = 1;
});
