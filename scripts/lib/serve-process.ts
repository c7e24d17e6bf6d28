import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
/** From the TypeScript sources (tests), or from dist/ (npm run soak builds it first). */
const FROM_SOURCES = __filename.endsWith('.ts');

/** A free TCP port on 127.0.0.1 (closed again at once: a small race, fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A plain GET on the metrics port. */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/**
 * `smt serve` in a process of its own (from the TypeScript sources under a test, no build needed;
 * from dist/ under a built script), so several instances run on one database and one can be
 * killed with SIGKILL.
 */
export class ServeProcess {
  child: ChildProcess | null = null;
  err = '';
  out = '';
  metricsPort = 0;

  constructor(readonly name: string, private readonly env: NodeJS.ProcessEnv, private readonly args: string[] = []) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** Starts it and waits for its banner (up to `timeoutMs`: a loaded machine compiles the sources slowly). */
  async start(timeoutMs = 180_000): Promise<void> {
    this.metricsPort = await freePort();
    this.err = '';
    this.out = '';
    const runtime = FROM_SOURCES ? ['-r', path.join(ROOT, 'src/core/typescript-runtime.js')] : [];
    const child = spawn(process.execPath, [...runtime, '-e', `require(${JSON.stringify(path.join(ROOT, 'src/main'))}).main(process.argv.slice(1))`, 'serve', ...this.args], {
      cwd: ROOT, env: { ...this.env, SMT_METRICS_PORT: String(this.metricsPort) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.err}`)), timeoutMs);
      const check = (): void => {
        if (this.err.includes('Ctrl-C stops.')) {
          clearTimeout(timer);
          child.stderr!.off('data', check);
          child.off('exit', exited);
          resolve();
        }
      };
      const exited = (status: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${this.name} ended (${status}) before it started:\n${this.err}`));
      };
      child.stderr!.on('data', check);
      child.once('exit', exited);
    });
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.metricsPort}`;
  }

  /** kill -9: no cleanup, no stopping after the work in progress. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Ctrl-C: stops after the work in progress. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
