import fs from 'node:fs/promises';
import { SmtError } from '../core/errors';
import type { Command } from './command';

const REVOKE_USAGE = 'cert revoke SERIAL|FILE.crt [--reason TEXT]';

export const certRevokeCommand: Command = {
  name: ['cert', 'revoke'],
  summary: 'Revoke a client certificate by serial number or certificate file; connections with it are refused',
  usage: REVOKE_USAGE,
  options: { reason: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length !== 1) {
      throw new SmtError('INPUT_INVALID', `Give one serial number (hex, as openssl x509 -noout -serial prints it) or one certificate file.\nUsage: smt ${REVOKE_USAGE}`);
    }
    const target = await serialOrPem(positionals[0]!);
    const reason = typeof values.reason === 'string' ? values.reason : null;
    const revocation = await (await app.credentials()).revoke(target, reason);
    const registered = revocation.certificates.map((c) => `the ${c.purpose} certificate CN "${c.subjectCn}" of "${c.participantName}"`);
    term.out([
      `${revocation.alreadyRevoked ? 'Already revoked' : 'Revoked'}: serial ${revocation.serialHex}.`,
      registered.length > 0 ? `It was registered as ${registered.join(', and as ')}.` : 'No participant has it registered; registering it later will be refused.',
      '',
    ].join('\n'));
    return 0;
  },
};

/** A readable file is a certificate; anything else is taken as a serial number. */
async function serialOrPem(argument: string): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(argument, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const looksLikeSerial = /^[0-9A-Fa-f:]+$/.test(argument);
    if ((code === 'ENOENT' || code === 'ENAMETOOLONG') && looksLikeSerial) return argument;
    if (code === 'ENOENT') throw new SmtError('FILE_UNREADABLE', `${argument} is neither a certificate file (there is no such file) nor a serial number (hex digits).`, { file: argument });
    throw new SmtError('FILE_UNREADABLE', `Cannot read ${argument}: ${(error as Error).message}`, { file: argument });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SmtError('INPUT_INVALID', `${argument} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the certificate file or its serial number.`, { file: argument });
  }
  return text;
}
