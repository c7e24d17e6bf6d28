import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/** Thrown while a report is being written when free space runs below the minimum: the request waits again. */
export class FreeSpaceLowError extends Error {
  constructor() {
    super('report production paused: free space is below the minimum');
    this.name = 'FreeSpaceLowError';
  }
}

/**
 * Watches free space on the file system that holds the FTPS folders. Below the minimum, report
 * production pauses; the change is logged once each way (one warning when it pauses, one line when
 * it resumes), however often the workers ask.
 */
export class FreeSpaceGuard {
  private paused = false;

  /** `minFreeBytes` is read at every check, so a changed setting applies at once; 0 turns the guard off. */
  constructor(private readonly folder: string, private readonly minFreeBytes: () => number, private readonly logger: Logger) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** True when there is room to produce reports. */
  async roomToProduce(): Promise<boolean> {
    const minimum = this.minFreeBytes();
    if (minimum <= 0) return this.resume(null);
    let free: number;
    try {
      free = await freeBytes(this.folder);
    } catch (error) {
      // Not knowing is no reason to stop: the write itself fails clearly if the disk is full.
      this.logger.debug('report: free space unknown', { folder: this.folder, error: errorMessage(error) });
      return this.resume(null);
    }
    if (free >= minimum) return this.resume(free);
    if (!this.paused) {
      this.paused = true;
      this.logger.warn('report: production paused: free space is below SMT_REPORT_MIN_FREE_MB; it resumes by itself when space returns', {
        folder: this.folder, freeMb: Math.floor(free / 1048576), minimumMb: Math.ceil(minimum / 1048576),
      });
    }
    return false;
  }

  private resume(free: number | null): true {
    if (this.paused) {
      this.paused = false;
      this.logger.info('report: production resumed: free space is back above the minimum', { folder: this.folder, freeMb: free === null ? null : Math.floor(free / 1048576) });
    }
    return true;
  }
}

/** Bytes an unprivileged process may still write on the file system of `folder` (or of its nearest existing parent). */
async function freeBytes(folder: string): Promise<number> {
  let at = path.resolve(folder);
  for (;;) {
    try {
      const stats = await fs.promises.statfs(at);
      return Number(stats.bavail) * Number(stats.bsize);
    } catch (error) {
      const parent = path.dirname(at);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw error;
      at = parent;
    }
  }
}
