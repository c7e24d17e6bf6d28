import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client, type FTPError } from 'basic-ftp';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import type { RunningFtpsServer } from '../../src/delivery/ftps/ftps-server';
import { ensureDevelopmentSetup, type DemoParticipantFiles } from '../../src/security/development-setup';

export const REP_DUNS = '200000001';
export const TDSP_DUNS = '100000001';

export interface UploadSeen {
  account: string;
  duns: string;
  path: string;
}

/** A passive range of `size` ports somewhere unlikely to be busy; the server copes when some are. */
export function randomPortRange(size: number): [number, number] {
  const low = 42_000 + crypto.randomInt(0, 15_000);
  return [low, low + size - 1];
}

/** The platform on a throwaway data dir with the development setup, and its FTPS server on a free port. */
export class FtpsHarness {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-ftps-'));
  readonly passivePorts = randomPortRange(20);
  readonly uploads: UploadSeen[] = [];
  app!: App;
  server!: RunningFtpsServer;
  caPem!: string;
  caPath!: string;
  rep!: DemoParticipantFiles & { password: string };
  tdsp!: DemoParticipantFiles & { password: string };
  private readonly extraApps: App[] = [];

  constructor(private readonly settings: Record<string, string> = {}) {}

  async start(): Promise<void> {
    this.app = this.newApp();
    const setup = await ensureDevelopmentSetup(this.app);
    const withPassword = (d: DemoParticipantFiles) => ({ ...d, password: fs.readFileSync(d.ftpPasswordPath, 'utf8').trim() });
    this.rep = withPassword(setup.demo.find((d) => d.kind === 'REP')!);
    this.tdsp = withPassword(setup.demo.find((d) => d.kind === 'TDSP')!);
    this.caPath = setup.pki.caCertPath;
    this.caPem = fs.readFileSync(this.caPath, 'utf8');
    this.server = await this.app.startFtpsServer((account, duns, file) => this.uploads.push({ account: account.name, duns, path: file }));
  }

  /** Another App on the same data dir with other settings (closed by stop()). */
  newApp(settings: Record<string, string> = {}): App {
    const app = createApp(loadConfig({
      SMT_DATA_DIR: this.dataDir, SMT_FTPS_PORT: '0', SMT_FTPS_PASSIVE_PORTS: this.passivePorts.join('-'), ...this.settings, ...settings,
    }));
    if (this.app) this.extraApps.push(app);
    return app;
  }

  folder(duns: string, folder: string): string {
    const dir = path.join(this.dataDir, 'ftps', duns, folder);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** A basic-ftp client logged in; `from` is the local address its control connection comes from (any 127.x.y.z on loopback). */
  async client(user: string, password: string, options: { port?: number; cert?: string; key?: string; from?: string } = {}): Promise<Client> {
    const client = new Client(15_000);
    if (options.from) fromAddress(client, options.from);
    const secureOptions = { ca: this.caPem, ...(options.cert ? { cert: options.cert, key: options.key } : {}) };
    try {
      await client.access({ host: '127.0.0.1', port: options.port ?? this.server.port, user, password, secure: true, secureOptions });
    } catch (error) {
      // A refused login leaves the connection open; closed here so it does not count against the address's connections.
      client.close();
      throw error;
    }
    return client;
  }

  /** curl as an integrator would run it: TLS required, the platform's CA, user:password. */
  curl(user: string, password: string, urlPath: string, args: string[] = []): Promise<{ status: number; out: Buffer; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('curl', ['-sS', '--ssl-reqd', '--cacert', this.caPath, '--user', `${user}:${password}`, ...args, `ftp://127.0.0.1:${this.server.port}${urlPath}`]);
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status: status ?? -1, out: Buffer.concat(out), err }));
    });
  }

  /** The JSON log lines written so far. */
  /** The log's lines, once the log file has stopped growing (winston writes it asynchronously). */
  async logLines(): Promise<Record<string, unknown>[]> {
    const file = path.join(this.dataDir, 'logs', 'smt.log');
    let size = -1;
    for (let i = 0; i < 40 && fs.statSync(file).size !== size; i++) {
      size = fs.statSync(file).size;
      await new Promise((resolve) => setTimeout(resolve, 75));
    }
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  async stop(): Promise<void> {
    for (const app of this.extraApps) await app.close();
    await this.app.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Makes the client's control connections come from `localAddress` (basic-ftp has no option for it). */
function fromAddress(client: Client, localAddress: string): void {
  const ftp = client.ftp as unknown as { _newSocket(): net.Socket };
  ftp._newSocket = () => {
    const socket = new net.Socket();
    const connect = socket.connect.bind(socket) as (options: net.TcpSocketConnectOpts, listener?: () => void) => net.Socket;
    socket.connect = ((options: net.TcpSocketConnectOpts, listener?: () => void) => connect({ ...options, localAddress }, listener)) as typeof socket.connect;
    return socket;
  };
}

export async function download(client: Client, remotePath: string, startAt = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await client.downloadTo(new Writable({ write(chunk: Buffer, _e, done) { chunks.push(chunk); done(); } }), remotePath, startAt);
  return Buffer.concat(chunks);
}

export function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Awaits an FTP command that must fail with this reply code; returns the server's message. */
export async function expectFtpError(promise: Promise<unknown>, code: number): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, `expected an FTP ${code} refusal`).to.be.instanceOf(Error);
  expect((error as FTPError).code, (error as Error).message).to.equal(code);
  return (error as Error).message;
}

/** Every file under a folder, dot files included. */
export function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}
