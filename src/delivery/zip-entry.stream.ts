import { PassThrough, pipeline, Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface ZipEntryOptions {
  /** The entry's name inside the archive. */
  name: string;
  /** zlib level 1–9, or 0 to store the bytes uncompressed. */
  compressionLevel: number;
  mtime: Date;
  /** Writes the Zip64 records even when the sizes would fit in 32 bits (tests of that path). */
  forceZip64?: boolean;
}

const MAX_32 = 0xffffffff;
const DATA_DESCRIPTOR_FLAG = 0x0008;
const UTF8_NAME_FLAG = 0x0800;
/** Made by Unix (3), spec version 4.5 (Zip64). */
const VERSION_MADE_BY = (3 << 8) | 45;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
/** A regular file, rw-r--r--, in the upper half of the external attributes (Unix). */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

/**
 * A zip archive of one entry, streamed: the entry's bytes are read once, compressed by zlib and
 * checked with zlib.crc32 (native), and the sizes and CRC follow the data in a data descriptor, so
 * nothing is buffered and the input's length need not be known. Sizes of 4 GiB and more get the
 * Zip64 records (a day of interval data compresses about ten to one, so a 1 GB file holds more).
 */
export function zipEntryStream(input: Readable, entry: ZipEntryOptions): Readable {
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const name = Buffer.from(entry.name, 'utf8');
  const flags = DATA_DESCRIPTOR_FLAG | (/[^\x20-\x7e]/.test(entry.name) ? UTF8_NAME_FLAG : 0);
  const method = entry.compressionLevel === 0 ? 0 : 8;
  const { time, date } = dosDateTime(entry.mtime);
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const compress = method === 0 ? new PassThrough() : zlib.createDeflateRaw({ level: entry.compressionLevel });
  let headerSent = false;
  const sendHeader = (stream: Transform): void => {
    if (headerSent) return;
    headerSent = true;
    stream.push(localHeader(name, flags, method, time, date));
  };
  const frame = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sendHeader(this);
      compressedSize += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      sendHeader(this);
      const headerSize = 30 + name.length;
      const zip64 = entry.forceZip64 === true || size >= MAX_32 || compressedSize >= MAX_32;
      const finished = { name, flags, method, time, date, crc: crc >>> 0, size, compressedSize, zip64 };
      const descriptor = dataDescriptor(finished);
      const centralOffset = headerSize + compressedSize + descriptor.length;
      const central = centralHeader(finished);
      this.push(Buffer.concat([descriptor, central, endOfArchive(central.length, centralOffset, zip64 || centralOffset >= MAX_32)]));
      callback();
    },
  });
  pipeline(input, measure, compress, frame, (error) => {
    if (error) frame.destroy(error);
  });
  return frame;
}

interface FinishedEntry {
  name: Buffer;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  size: number;
  compressedSize: number;
  zip64: boolean;
}

/** MS-DOS date and time fields (local time, 2-second steps), as zip tools read them. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** The local header: CRC and sizes are zero, the data descriptor after the data carries them. */
function localHeader(name: Buffer, flags: number, method: number, time: number, date: number): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION_NEEDED, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt16LE(method, 8);
  b.writeUInt16LE(time, 10);
  b.writeUInt16LE(date, 12);
  b.writeUInt16LE(name.length, 26);
  return Buffer.concat([b, name]);
}

function dataDescriptor(e: FinishedEntry): Buffer {
  const b = Buffer.alloc(e.zip64 ? 24 : 16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(e.crc, 4);
  if (e.zip64) {
    b.writeBigUInt64LE(BigInt(e.compressedSize), 8);
    b.writeBigUInt64LE(BigInt(e.size), 16);
  } else {
    b.writeUInt32LE(e.compressedSize, 8);
    b.writeUInt32LE(e.size, 12);
  }
  return b;
}

/** The central directory's one header; the local header is at offset 0. */
function centralHeader(e: FinishedEntry): Buffer {
  const extra = e.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (e.zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(e.size), 4);
    extra.writeBigUInt64LE(BigInt(e.compressedSize), 12);
  }
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(VERSION_MADE_BY, 4);
  b.writeUInt16LE(e.zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 6);
  b.writeUInt16LE(e.flags, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(e.time, 12);
  b.writeUInt16LE(e.date, 14);
  b.writeUInt32LE(e.crc, 16);
  b.writeUInt32LE(e.zip64 ? MAX_32 : e.compressedSize, 20);
  b.writeUInt32LE(e.zip64 ? MAX_32 : e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt16LE(extra.length, 30);
  b.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  return Buffer.concat([b, e.name, extra]);
}

/** The end of central directory record, preceded by the Zip64 one and its locator when needed. */
function endOfArchive(centralSize: number, centralOffset: number, zip64: boolean): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(zip64 ? MAX_32 : centralOffset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(VERSION_MADE_BY, 12);
  record.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
  record.writeBigUInt64LE(1n, 24);
  record.writeBigUInt64LE(1n, 32);
  record.writeBigUInt64LE(BigInt(centralSize), 40);
  record.writeBigUInt64LE(BigInt(centralOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(centralOffset + centralSize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}
