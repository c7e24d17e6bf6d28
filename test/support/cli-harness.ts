import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Terminal } from '../../src/cli/command';
import { runCli } from '../../src/main';

export interface CliResult {
  status: number;
  out: string;
  err: string;
}

/** Runs `smt` commands in-process against a throwaway data dir, capturing what they print. */
export class CliHarness {
  readonly dataDir: string;

  /** `env` adds settings (e.g. a server database) to every command this harness runs. */
  constructor(prefix = 'smt-test-', readonly env: Record<string, string> = {}, dataDir?: string) {
    this.dataDir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  /** A harness on a data dir the test made itself. */
  static at(dataDir: string): CliHarness {
    return new CliHarness('', {}, dataDir);
  }

  /** The settings a child process needs to act on the same platform. */
  childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, ...this.env, SMT_DATA_DIR: this.dataDir, ...extra };
  }

  async run(...args: string[]): Promise<CliResult> {
    const captured = { out: '', err: '' };
    const term: Terminal = { out: (t) => (captured.out += t), err: (t) => (captured.err += t), isTty: false };
    const settings = { ...this.env, SMT_DATA_DIR: this.dataDir };
    const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
    Object.assign(process.env, settings);
    try {
      const status = await runCli(args, term);
      return { status, ...captured };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  /** Writes `text` as the file `name` in the data dir; returns its path (for the commands that read it). */
  writeFile(name: string, text: string): string {
    const file = path.join(this.dataDir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  /** `smt ingest --json` for the given files, parsed line by line. */
  async ingestJson(...files: string[]): Promise<{ status: number; results: IngestJson[]; err: string }> {
    const r = await this.run('ingest', '--json', ...files);
    return { status: r.status, err: r.err, results: r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface IngestJson {
  file: string;
  status: 'loaded' | 'rejected';
  fileCode: string | null;
  records: { total: number; byCode: Record<string, number> };
  rejected: { esiid: string | null; operatingDay: string | null; channel: number | null; code: string; reason: string }[];
}

export const FIXTURES = path.join(__dirname, '../../fixtures');

export function lseFixture(name: string): string {
  return path.join(FIXTURES, 'lse', name);
}

export async function importRegistryFixtures(cli: CliHarness): Promise<void> {
  const dir = path.join(FIXTURES, 'registry');
  const r = await cli.run('registry', 'import', ...['participants.csv', 'esiids.csv', 'rep-of-record.csv'].map((f) => path.join(dir, f)));
  if (r.status !== 0) throw new Error(`registry fixtures did not load: ${r.err}`);
}
