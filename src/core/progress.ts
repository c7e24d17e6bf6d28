/** Progress of long work: a bar on a terminal, nothing elsewhere (logs carry the outcome). */
export interface Progress {
  update(done: number, label: string): void;
  finish(): void;
}

export const noProgress: Progress = { update() {}, finish() {} };

export function terminalProgress(total: number, unit: string, write: (text: string) => void): Progress {
  const started = Date.now();
  let last = 0;
  return {
    update(done, label) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const filled = Math.round(ratio * width);
      const seconds = Math.max((now - started) / 1000, 0.001);
      const rate = Math.round(done / seconds).toLocaleString('en-US');
      write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${rate} ${unit}/s ${label.slice(-40)}\x1b[K`);
    },
    finish() {
      write('\r\x1b[K');
    },
  };
}
