import fs from 'node:fs';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../../core/errors';
import type { ControlSession } from './control-session';
import { FtpReplyError, type FtpCommand } from './ftp-protocol';
import { mlsxLine, unixListLine } from './listing-format';
import { receiveUpload } from './upload-receiver';
import type { ListEntry } from './virtual-fs';

/** Passive mode and every command that moves data: listings, downloads, uploads. */
export const transferCommands: Record<string, FtpCommand> = {
  EPSV: {
    gate: 'data',
    async run(s, arg) {
      const protocol = arg.trim().toUpperCase();
      if (protocol === 'ALL') return s.reply(200, 'EPSV ALL ok');
      if (protocol !== '' && protocol !== '1' && protocol !== '2') throw new FtpReplyError(522, 'Network protocol not supported, use (1,2)');
      const port = await s.transfers.openPassive();
      s.reply(229, `Entering Extended Passive Mode (|||${port}|)`);
    },
  },

  PASV: {
    gate: 'data',
    async run(s) {
      if (isIP(s.localIp) !== 4) throw new FtpReplyError(425, 'PASV can only describe IPv4 addresses; use EPSV');
      const port = await s.transfers.openPassive();
      s.reply(227, `Entering Passive Mode (${s.localIp.split('.').join(',')},${port >> 8},${port & 255})`);
    },
  },

  LIST: { gate: 'data', run: (s, arg) => sendListing(s, arg, 'LIST') },
  NLST: { gate: 'data', run: (s, arg) => sendListing(s, arg, 'NLST') },
  MLSD: { gate: 'data', run: (s, arg) => sendListing(s, arg, 'MLSD') },

  REST: {
    gate: 'login',
    run(s, arg) {
      if (!/^\d{1,15}$/.test(arg.trim())) throw new FtpReplyError(501, 'REST needs a byte offset');
      s.restOffset = Number(arg.trim());
      s.reply(350, `Restarting at ${s.restOffset}; send RETR`);
    },
  },

  RETR: {
    gate: 'data',
    async run(s, arg) {
      const target = s.files!.resolve(s.cwd, arg);
      const offset = s.restOffset;
      const { handle, size } = await s.files!.openForDownload(target, offset);
      const started = Date.now();
      try {
        await s.transfers.run(`Sending ${target.path} (${size - offset} bytes)`, async (connection, signal) => {
          await pipeline(handle.createReadStream({ start: offset }), connection.socket, { signal });
          s.services.logger.info('ftps: download', { ...s.logFields(), path: target.path, bytes: size - offset, offset, ms: Date.now() - started, tlsSessionReused: connection.sessionReused });
        });
      } finally {
        await handle.close().catch(() => undefined);
      }
      s.reply(226, `Transfer complete (${size - offset} bytes)`);
    },
  },

  STOR: {
    gate: 'data',
    async run(s, arg) {
      if (s.restOffset > 0) throw new FtpReplyError(550, 'Uploads cannot resume (REST); upload the whole file under a new name');
      const target = s.files!.resolve(s.cwd, arg);
      const upload = await s.files!.createUpload(target);
      const started = Date.now();
      try {
        const bytes = await s.transfers.run(`Ready to receive ${target.path}`, (connection, signal) => receiveUpload(connection, upload.handle, s.services.maxUploadBytes, signal));
        await s.files!.commitUpload(upload.partialPath, upload.finalPath, target.path);
        s.services.logger.info('ftps: upload', { ...s.logFields(), path: target.path, bytes, ms: Date.now() - started });
        notifyUpload(s, upload.duns, upload.finalPath);
        s.reply(226, `Upload complete: ${target.path} (${bytes} bytes)`);
      } catch (error) {
        s.services.logger.warn('ftps: upload discarded', { ...s.logFields(), path: target.path, reason: errorMessage(error) });
        throw error;
      } finally {
        await upload.handle.close().catch(() => undefined);
        await fs.promises.rm(upload.partialPath, { force: true });
      }
    },
  },

  // Reached only when no transfer is in progress; during one, the session aborts it at once.
  ABOR: {
    gate: 'login',
    run(s) {
      s.transfers.close();
      s.reply(226, 'No transfer in progress');
    },
  },
};

async function sendListing(s: ControlSession, arg: string, verb: 'LIST' | 'NLST' | 'MLSD'): Promise<void> {
  // Clients add ls options (LIST -la); no name the site serves starts with a dash.
  const path = arg.split(' ').filter((part) => !part.startsWith('-')).join(' ');
  const target = s.files!.resolve(s.cwd, path);
  if (verb === 'MLSD' && target.kind === 'file') throw new FtpReplyError(501, `${target.path} is not a folder (MLSD lists folders; use MLST)`);
  const entries = await s.files!.list(target);
  const text = entries.map((entry) => `${line(verb, entry)}\r\n`).join('');
  await s.transfers.run(`Sending the listing of ${target.path}`, (connection, signal) =>
    pipeline(Readable.from([Buffer.from(text, 'utf8')], { objectMode: false }), connection.socket, { signal }));
  s.reply(226, `Listing sent (${entries.length} entries)`);
}

function line(verb: 'LIST' | 'NLST' | 'MLSD', entry: ListEntry): string {
  if (verb === 'NLST') return entry.name;
  return verb === 'MLSD' ? mlsxLine(entry) : unixListLine(entry, new Date());
}

/** The upload is already complete and named; a failing callback must not turn that into an error for the client. */
function notifyUpload(s: ControlSession, duns: string, finalPath: string): void {
  try {
    s.services.onUpload(s.account!, duns, finalPath);
  } catch (error) {
    s.services.logger.error('ftps: upload callback failed', { ...s.logFields(), path: finalPath, error: errorMessage(error) });
  }
}
