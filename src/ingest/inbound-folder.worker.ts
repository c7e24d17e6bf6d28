import fs from 'node:fs';
import path from 'node:path';
import { PARTIAL_PREFIX } from '../delivery/atomic-write';
import type { Logger } from '../core/logger';
import { errorMessage, isSmtError } from '../core/errors';
import { makePrivateDir } from '../core/private-files';
import type { IngestService } from './ingest.service';
import { openLseInput } from './lse-input';
import type { PrivateKey } from '../delivery/pgp';
import { participantUploader, type Uploader, type UploadingParticipant } from './uploader';
import type { FileLoadSummary } from './ingest-result';

export interface InboundOptions {
  ftpsRoot: string;
  tempDir: string;
  maxFileBytes: number;
  pollMs: number;
  platformKey: () => Promise<PrivateKey>;
  /** The participant a DUNS belongs to (the registry), or null. */
  ownerOf: (duns: string) => Promise<(UploadingParticipant & { kind: string }) | null>;
  /** Claims shared with other instances on the same folders; default: this process is alone. */
  claims?: InboundClaims;
  /** Hears of every file loaded: its records by outcome (metrics). */
  onLoaded?: (summary: FileLoadSummary) => void;
}

/**
 * A file taken by one instance. `alreadyLoaded`: an earlier claim (its instance died) got as far
 * as loading it, so only the move to processed/ is left.
 */
export interface InboundClaim {
  alreadyLoaded: boolean;
  /** The file's load is committed; what is left is moving it. */
  loaded(): Promise<void>;
  /** The file is in processed/: the claim ends. */
  done(): Promise<void>;
  /** The file was not handled (it vanished, or the work failed): another pass may take it. */
  abandon(): Promise<void>;
}

/** Who loads which uploaded file, when several instances watch the same inbound folders. */
export interface InboundClaims {
  /** The file for this instance, or null when another instance has it. */
  claim(duns: string, name: string): Promise<InboundClaim | null>;
}

/** One process alone on its folders: every file is its own. */
const ALONE: InboundClaims = {
  claim: async () => ({ alreadyLoaded: false, loaded: async () => {}, done: async () => {}, abandon: async () => {} }),
};

/**
 * Picks up files TDSPs leave in <ftps>/<TDSP DUNS>/inbound/, loads them, and moves each to
 * <ftps>/<TDSP DUNS>/processed/ (kept until the retention job removes it). Names starting with a
 * dot are uploads still in progress and are left alone. Only the TDSP owning a DUNS can upload
 * into its inbound/ (the FTPS site's rule), so that TDSP is the uploader of every file found
 * there: its records must name its own DUNS, and its reports/ gets the activity report.
 * Several instances may watch the same folders: each file is claimed first (`claims`), so it is
 * loaded by one of them, once.
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
      let uploader: Uploader | null | undefined;
      for (const name of fs.readdirSync(inbound).sort()) {
        if (this.stopped) return;
        if (name.startsWith('.') || name.startsWith(PARTIAL_PREFIX)) continue;
        const file = path.join(inbound, name);
        // Another instance may have moved it since the listing.
        if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
        // Looked up once per folder and scan, and only when the folder holds a file.
        if (uploader === undefined) uploader = await this.uploaderFor(duns);
        const done = path.join(root, duns, 'processed', name);
        await this.claimed(duns, name, file, async (claim) => {
          if (claim.alreadyLoaded) await this.moveDone(file, done);
          else if (uploader) await this.process(file, uploader, done, claim);
          else await this.setAside(file, duns, done);
        });
      }
    }
  }

  /** Runs `work` on a file this instance claimed and that is still there (another may have just finished it). */
  private async claimed(duns: string, name: string, file: string, work: (claim: InboundClaim) => Promise<void>): Promise<void> {
    const claim = await (this.options.claims ?? ALONE).claim(duns, name);
    if (!claim) return;
    try {
      if (!fs.existsSync(file)) return await claim.abandon();
      await work(claim);
      await claim.done();
    } catch (error) {
      await claim.abandon().catch(() => undefined);
      throw error;
    }
  }

  private async uploaderFor(duns: string): Promise<Uploader | null> {
    const owner = await this.options.ownerOf(duns);
    return owner?.kind === 'TDSP' ? participantUploader(owner, duns) : null;
  }

  /** A folder no TDSP owns was not filled through the FTPS site: nobody to bind its files to, nor to report to. */
  private async setAside(file: string, duns: string, done: string): Promise<void> {
    this.logger.warn('inbound: folder has no TDSP owner; file not loaded', { duns, file: path.basename(file), movedTo: done });
    await this.moveDone(file, done);
  }

  private async moveDone(file: string, done: string): Promise<void> {
    await makePrivateDir(path.dirname(done));
    await fs.promises.rename(file, done);
  }

  private async process(file: string, uploader: Uploader, done: string, claim: InboundClaim): Promise<void> {
    const run = this.ingest.newRun(uploader);
    try {
      let sources: Awaited<ReturnType<typeof openLseInput>>;
      try {
        sources = await openLseInput(file, { platformKey: await this.options.platformKey(), maxFileBytes: this.options.maxFileBytes, tempDir: this.options.tempDir });
      } catch (error) {
        if (!isSmtError(error)) throw error;
        // Loaded first, then told: `onLoaded?.(await …)` would skip the load itself when nobody listens.
        const rejected = await this.ingest.rejectUnopened(path.basename(file), uploader, error.message);
        this.options.onLoaded?.(rejected);
        sources = [];
      }
      for (const source of sources) {
        try {
          const summary = await run.loadFile(source);
          this.options.onLoaded?.(summary);
        } finally {
          await source.cleanup();
        }
      }
    } catch (error) {
      this.logger.warn('inbound: file could not be loaded', { file, error: errorMessage(error) });
    }
    await claim.loaded();
    await this.moveDone(file, done);
  }
}
