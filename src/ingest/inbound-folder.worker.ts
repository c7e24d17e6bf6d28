import fs from 'node:fs';
import path from 'node:path';
import { PARTIAL_PREFIX } from '../delivery/atomic-write';
import type { Logger } from '../core/logger';
import { errorMessage, isSmtError } from '../core/errors';
import type { IngestService } from './ingest.service';
import { openLseInput } from './lse-input';
import type { PrivateKey } from '../delivery/pgp';

export interface InboundOptions {
  ftpsRoot: string;
  tempDir: string;
  maxFileBytes: number;
  pollMs: number;
  platformKey: () => Promise<PrivateKey>;
}

/**
 * Picks up files TDSPs leave in <ftps>/<TDSP DUNS>/inbound/, loads them, and moves each to
 * <ftps>/<TDSP DUNS>/processed/ (kept until the retention job removes it). Names starting with a
 * dot are uploads still in progress and are left alone.
 */
export class InboundFolderWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly ingest: IngestService,
    private readonly logger: Logger,
    private readonly options: InboundOptions,
  ) {}

  start(): void {
    this.tick();
  }

  /** Scans now rather than at the next poll: an upload just completed. */
  wake(): void {
    if (this.stopped || this.timer === null) return; // a scan is running; it re-polls soon after
    clearTimeout(this.timer);
    this.tick();
  }

  private tick(): void {
    this.timer = null;
    this.running = this.scan()
      .catch((error) => void this.logger.error('inbound: scan failed', { error: errorMessage(error) }))
      .then(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.options.pollMs);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every inbound folder; returns when every waiting file is processed. */
  async scan(): Promise<void> {
    const root = this.options.ftpsRoot;
    if (!fs.existsSync(root)) return;
    for (const duns of fs.readdirSync(root).sort()) {
      const inbound = path.join(root, duns, 'inbound');
      if (!fs.existsSync(inbound)) continue;
      for (const name of fs.readdirSync(inbound).sort()) {
        if (this.stopped) return;
        if (name.startsWith('.') || name.startsWith(PARTIAL_PREFIX)) continue;
        const file = path.join(inbound, name);
        if (!fs.statSync(file).isFile()) continue;
        await this.process(file, duns, path.join(root, duns, 'processed', name));
      }
    }
  }

  private async process(file: string, senderDuns: string, done: string): Promise<void> {
    const run = this.ingest.newRun();
    try {
      let sources: Awaited<ReturnType<typeof openLseInput>>;
      try {
        sources = await openLseInput(file, { platformKey: await this.options.platformKey(), maxFileBytes: this.options.maxFileBytes, tempDir: this.options.tempDir });
      } catch (error) {
        if (!isSmtError(error)) throw error;
        await this.ingest.rejectUnopened(path.basename(file), senderDuns, error.message);
        sources = [];
      }
      for (const source of sources) {
        try {
          await run.loadFile(source);
        } finally {
          await source.cleanup();
        }
      }
    } catch (error) {
      this.logger.warn('inbound: file could not be loaded', { file, error: errorMessage(error) });
    }
    await fs.promises.mkdir(path.dirname(done), { recursive: true });
    await fs.promises.rename(file, done);
  }
}
