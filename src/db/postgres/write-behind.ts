/**
 * Writes of one transaction queued in order on its connection while the caller goes on: the next
 * batch's reads (on another connection) run while the server takes this batch's rows. The first
 * failure is kept; later writes are skipped and every later check throws it.
 */
export class WriteBehind {
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  add(write: () => Promise<unknown>): void {
    this.tail = this.tail
      .then(async () => {
        if (!this.failure) await write();
      })
      .catch((error) => {
        this.failure ??= { error };
      });
  }

  /** Throws the first failure, if any, without waiting. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every queued write; throws the first failure. */
  async settled(): Promise<void> {
    await this.tail;
    this.check();
  }
}
