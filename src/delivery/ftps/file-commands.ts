import type { ControlSession } from './control-session';
import { FtpReplyError, type FtpCommand } from './ftp-protocol';
import { ftpTimestamp, mlsxLine } from './listing-format';
import type { VirtualTarget } from './virtual-path';

/** Folder navigation and single-file commands; none opens a data connection. */
export const fileCommands: Record<string, FtpCommand> = {
  PWD: { gate: 'login', run: (s) => s.reply(257, `"${s.cwd.replace(/"/g, '""')}" is the current folder`) },

  CWD: { gate: 'login', run: (s, arg) => changeFolder(s, arg) },
  CDUP: { gate: 'login', run: (s) => changeFolder(s, '..') },

  SIZE: {
    gate: 'login',
    async run(s, arg) {
      const entry = await s.files!.describe(fileTarget(s, arg));
      s.reply(213, String(entry.size));
    },
  },

  MDTM: {
    gate: 'login',
    async run(s, arg) {
      const entry = await s.files!.describe(fileTarget(s, arg));
      s.reply(213, ftpTimestamp(entry.modified));
    },
  },

  MLST: {
    gate: 'login',
    async run(s, arg) {
      const target = s.files!.resolve(s.cwd, arg);
      const entry = await s.files!.describe(target);
      s.reply(250, [`Listing ${target.path}`, mlsxLine({ ...entry, name: target.path }), 'End']);
    },
  },

  DELE: {
    gate: 'login',
    async run(s, arg) {
      const path = await s.files!.remove(s.files!.resolve(s.cwd, arg));
      s.services.logger.info('ftps: delete', { ...s.logFields(), path });
      s.reply(250, `Deleted ${path}`);
    },
  },
};

async function changeFolder(s: ControlSession, arg: string): Promise<void> {
  const target = s.files!.resolve(s.cwd, arg);
  await s.files!.enter(target);
  s.cwd = target.path;
  s.reply(250, `The current folder is ${target.path}`);
}

function fileTarget(s: ControlSession, arg: string): VirtualTarget {
  const target = s.files!.resolve(s.cwd, arg);
  if (target.kind !== 'file') throw new FtpReplyError(550, `${target.path}: not a plain file`);
  return target;
}
