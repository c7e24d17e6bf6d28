/**
 * Starts `smt serve` in a child process on a temporary data dir with free ports, for the demo and
 * the benchmarks that need a whole running platform, and stops it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PlatformProcess {
  /** The `smt serve` process, e.g. to read its memory from /proc. */
  pid: number;
  dataDir: string;
  soapPort: number;
  ftpsPort: number;
  mockTdspPort: number;
  stop(): Promise<void>;
}

const ROOT = path.join(__dirname, '../../..');

export function smtBin(): string {
  return path.join(ROOT, 'bin', 'smt');
}

export async function startPlatform(env: Record<string, string> = {}): Promise<PlatformProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-platform-'));
  const base = 20000 + Math.floor(Math.random() * 20000);
  const soapPort = base;
  const ftpsPort = base + 1;
  // SMT_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "--trace-gc") goes to the platform's node, for diagnostic runs.
  const flags = (process.env.SMT_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  // Every port is its own, the health and metrics port too: a platform started next to `npm start` (9464) must not
  // fail on it.
  // The platform gets only the settings given here: an exported SMT_SOAP_PUBLIC_URL, SMT_DB_URL, ... of the
  // shell would send its mock TDSP's callbacks, or its data, elsewhere.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SMT_')));
  const child: ChildProcess = spawn(process.execPath, [...flags, smtBin(), 'serve', '--poll-seconds', '1'], {
    env: {
      ...inherited, SMT_DATA_DIR: dataDir, SMT_SOAP_PORT: String(soapPort), SMT_FTPS_PORT: String(ftpsPort),
      SMT_FTPS_PASSIVE_PORTS: `${base + 2}-${base + 40}`, SMT_MOCK_TDSP_PORT: String(base + 41), SMT_PORTAL_PORT: String(base + 42), SMT_METRICS_PORT: String(base + 43), SMT_REPORT_POLL_MS: '200', SMT_LOG_LEVEL: 'warn', ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; !stderr.includes('Ctrl-C stops'); i++) {
    if (child.exitCode !== null) throw new Error(`smt serve exited: ${stderr}`);
    if (i > 600) throw new Error(`smt serve did not start within 60 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!fs.existsSync(path.join(dataDir, 'demo', 'demo-rep'))) throw new Error('smt serve started without the demo participants');
  return {
    pid: child.pid!, dataDir, soapPort, ftpsPort, mockTdspPort: base + 41,
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('exit', resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
