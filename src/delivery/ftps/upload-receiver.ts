import type fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataConnection } from './data-connection';
import { FtpReplyError } from './ftp-protocol';

/**
 * Copies an upload into its partial file and returns the byte count, only when the client ended
 * the data connection with TLS close_notify; a stream that was merely cut off is refused (426),
 * as is one larger than the limit (552). The caller deletes the partial file on any refusal.
 */
export async function receiveUpload(connection: DataConnection, file: fs.promises.FileHandle, maxBytes: number, signal: AbortSignal): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new FtpReplyError(552, `The upload exceeds ${Math.floor(maxBytes / 1024 / 1024)} MiB, the largest accepted; nothing was kept`));
      else done(null, chunk);
    },
  });
  // The stream closes the file when done; flush: fsync first, so the file is on disk before it gets its final name (the ingest may take it at once).
  await pipeline(connection.socket, limit, file.createWriteStream({ flush: true }), { signal });
  if (!connection.endedCleanly) {
    throw new FtpReplyError(426, 'The upload was cut off: the data connection closed without TLS close_notify, so the file may be incomplete; it was discarded, send it again');
  }
  return bytes;
}
