import type { Command } from './command';

/** TDSPs encrypt the LSE files they upload to this key; operators hand it out at onboarding. */
export const keysExportPublicCommand: Command = {
  name: ['keys', 'export-public'],
  summary: "Print the platform's public PGP key (created on first use)",
  usage: 'keys export-public',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const key = await app.platformKey();
    term.out(key.publicArmored.endsWith('\n') ? key.publicArmored : `${key.publicArmored}\n`);
    term.err(`Fingerprint: ${key.fingerprint}\n`);
    return 0;
  },
};
