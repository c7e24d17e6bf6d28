/**
 * Rows in PostgreSQL's binary COPY format (header, tuples, trailer), written straight into one
 * growing buffer: no text escaping, and packed intervals go in as raw bytes instead of hex.
 * https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_POW_32 = 2 ** 32;

export class BinaryCopyWriter {
  private buffer: Buffer;
  private at = 0;

  /** Starts in a buffer of `initial` bytes, or in the buffer given (reused: see BufferShelf). */
  constructor(initial: number | Buffer = 1 << 20) {
    const given = typeof initial === 'number' ? null : initial;
    this.buffer = given && given.length >= 64 ? given : Buffer.allocUnsafe(Math.max(typeof initial === 'number' ? initial : 0, 64));
    SIGNATURE.copy(this.buffer, 0);
    this.at = SIGNATURE.length;
    this.buffer.writeInt32BE(0, this.at); // flags
    this.buffer.writeInt32BE(0, this.at + 4); // header extension length
    this.at += 8;
  }

  row(fields: number): this {
    this.room(2);
    this.buffer.writeInt16BE(fields, this.at);
    this.at += 2;
    return this;
  }

  text(value: string | null): this {
    if (value === null) return this.nothing();
    // Two passes are dearer than a bound: UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(4 + value.length * 3);
    const n = this.buffer.write(value, this.at + 4, 'utf8');
    this.buffer.writeInt32BE(n, this.at);
    this.at += 4 + n;
    return this;
  }

  int4(value: number): this {
    this.room(8);
    this.buffer.writeInt32BE(4, this.at);
    this.buffer.writeInt32BE(value, this.at + 4);
    this.at += 8;
    return this;
  }

  /** A non-negative integer below 2^53 (versions are YYYYMMDDHHMMSS numbers). */
  int8(value: number): this {
    this.room(12);
    this.buffer.writeInt32BE(8, this.at);
    this.buffer.writeUInt32BE(Math.floor(value / TWO_POW_32), this.at + 4);
    this.buffer.writeUInt32BE(value % TWO_POW_32, this.at + 8);
    this.at += 12;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.room(4 + value.byteLength);
    this.buffer.writeInt32BE(value.byteLength, this.at);
    this.buffer.set(value, this.at + 4);
    this.at += 4 + value.byteLength;
    return this;
  }

  nothing(): this {
    this.room(4);
    this.buffer.writeInt32BE(-1, this.at);
    this.at += 4;
    return this;
  }

  /** The buffer written into (the one given, or a larger one it grew into), to be reused once the payload is sent. */
  get storage(): Buffer {
    return this.buffer;
  }

  /** The whole COPY payload, trailer included. The writer is spent afterwards. */
  finish(): Buffer {
    this.room(2);
    this.buffer.writeInt16BE(-1, this.at);
    this.at += 2;
    return this.buffer.subarray(0, this.at);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/**
 * A few spent COPY buffers kept for the next batches: each batch's payload (about a megabyte) then
 * reuses memory instead of allocating it outside the JavaScript heap, whose growth alone sets off
 * full garbage collections.
 */
export class BufferShelf {
  private readonly spare: Buffer[] = [];

  constructor(private readonly keep = 4) {}

  /** A buffer of at least `bytes`: a kept one if one is large enough. */
  take(bytes: number): Buffer {
    const i = this.spare.findIndex((b) => b.length >= bytes);
    return i >= 0 ? this.spare.splice(i, 1)[0] : Buffer.allocUnsafe(bytes);
  }

  put(buffer: Buffer): void {
    if (this.spare.length < this.keep) this.spare.push(buffer);
  }
}
