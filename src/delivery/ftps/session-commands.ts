import { FtpReplyError, type FtpCommand } from './ftp-protocol';

const FEATURES = ['Features:', 'AUTH TLS', 'PBSZ', 'PROT', 'EPSV', 'MLST type*;size*;modify*;perm*;', 'SIZE', 'MDTM', 'REST STREAM', 'UTF8', 'End'];
const MAX_USER_LENGTH = 200;

/** Connection and login commands: what may run before TLS, TLS itself, login, and the transfer parameters. */
export const sessionCommands: Record<string, FtpCommand> = {
  FEAT: { gate: 'any', run: (s) => s.reply(211, FEATURES) },
  SYST: { gate: 'any', run: (s) => s.reply(215, 'UNIX Type: L8') },
  NOOP: { gate: 'any', run: (s) => s.reply(200, 'NOOP ok') },
  QUIT: { gate: 'any', run: (s) => s.close(221, 'Goodbye') },

  AUTH: {
    gate: 'any',
    run(s, arg) {
      if (s.secure) throw new FtpReplyError(503, 'TLS is already active');
      const mechanism = arg.trim().toUpperCase();
      // RFC 4217 names TLS (TLS-C is its old alias); clients that try SSL first fall back to TLS on 504.
      if (mechanism !== 'TLS' && mechanism !== 'TLS-C') throw new FtpReplyError(504, `AUTH ${mechanism.slice(0, 16)} is not supported; use AUTH TLS`);
      s.startTls();
    },
  },

  USER: {
    gate: 'tls',
    run(s, arg) {
      if (s.account) throw new FtpReplyError(503, 'Already logged in; open a new connection to log in as someone else');
      const user = arg.trim();
      if (user === '' || user.length > MAX_USER_LENGTH) throw new FtpReplyError(501, 'USER needs the entity name or one of its DUNS numbers');
      s.pendingUser = user;
      s.reply(331, `Password required for ${user}`);
    },
  },

  PASS: {
    gate: 'tls',
    async run(s, arg) {
      if (s.account) throw new FtpReplyError(503, 'Already logged in');
      const user = s.pendingUser;
      s.pendingUser = null;
      if (user === null) throw new FtpReplyError(503, 'Send USER first');
      const account = await s.logIn(user, arg);
      s.reply(230, `Logged in as ${account.name}; your folders: ${account.duns.map((d) => `/${d}`).join(' ')}`);
    },
  },

  PBSZ: {
    gate: 'tls',
    run(s, arg) {
      if (!/^\d+$/.test(arg.trim())) throw new FtpReplyError(501, 'PBSZ needs a number (PBSZ 0)');
      s.pbszSet = true;
      s.reply(200, 'PBSZ=0');
    },
  },

  PROT: {
    gate: 'tls',
    run(s, arg) {
      if (!s.pbszSet) throw new FtpReplyError(503, 'Send PBSZ 0 first');
      const level = arg.trim().toUpperCase();
      if (level === 'P') {
        s.protectData = true;
        return s.reply(200, 'Data connections will be encrypted (PROT P)');
      }
      if (['C', 'S', 'E'].includes(level)) throw new FtpReplyError(536, `PROT ${level} refused: data connections must be encrypted (PROT P)`);
      throw new FtpReplyError(504, `Unknown protection level ${level.slice(0, 8)}; use PROT P`);
    },
  },

  TYPE: {
    gate: 'tls',
    run(s, arg) {
      // Files travel byte for byte whatever the type: ASCII conversion would corrupt zips and PGP files.
      if (!/^(A( N)?|I|L 8)$/i.test(arg.trim())) throw new FtpReplyError(504, 'Use TYPE I (or A; transfers are binary either way)');
      s.reply(200, 'Type set; transfers are binary');
    },
  },

  MODE: { gate: 'tls', run: (s, arg) => only(s, arg, 'S', 'Mode S (stream)') },
  STRU: { gate: 'tls', run: (s, arg) => only(s, arg, 'F', 'Structure F (file)') },

  OPTS: {
    gate: 'tls',
    run(s, arg) {
      const option = arg.trim().toUpperCase();
      if (option === 'UTF8 ON' || option === 'UTF8') return s.reply(200, 'UTF8 is always on');
      // The MLSx facts are fixed; a client asking for others gets those.
      if (option.startsWith('MLST')) return s.reply(200, 'MLST OPTS type;size;modify;perm;');
      throw new FtpReplyError(501, `Option ${option.slice(0, 16)} not supported`);
    },
  },
};

function only(s: Parameters<FtpCommand['run']>[0], arg: string, value: string, what: string): void {
  if (arg.trim().toUpperCase() !== value) throw new FtpReplyError(504, `Only ${what} is supported`);
  s.reply(200, `${what} ok`);
}
