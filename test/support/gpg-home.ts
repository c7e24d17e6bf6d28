import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { generatePgpKeyPair } from '../../src/delivery/pgp';
import type { CliHarness } from './cli-harness';

/** A throwaway GnuPG 2.2 home: the real `gpg` a REP or TDSP would use, isolated from the machine's keys. */
export class GpgHome {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-gnupg-'));

  gpg(args: string[], input?: string | Buffer): Buffer {
    return execFileSync('gpg', ['--homedir', this.dir, '--batch', '--quiet', '--yes', '--trust-model', 'always', ...args], {
      input: input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 1024 * 1024 * 1024,
    });
  }

  importKey(armored: string): void {
    this.gpg(['--import'], armored);
  }

  /** Gives participant `name` a new PGP key (smt entity update --pgp-key) whose private half this home holds, to read what is encrypted to it. */
  async keyParticipant(cli: CliHarness, name: string): Promise<void> {
    const key = await generatePgpKeyPair({ name, email: 'edi@example.com' });
    this.importKey(key.privateArmored);
    const updated = await cli.run('entity', 'update', name, '--pgp-key', cli.writeFile(`${name}.asc`, key.publicArmored));
    expect(updated.status, updated.err).to.equal(0);
  }

  decrypt(file: string): Buffer {
    return this.gpg(['--decrypt', file]);
  }

  encrypt(file: string, output: string, recipient: string, armor = false): void {
    this.gpg(['--encrypt', ...(armor ? ['--armor'] : []), '--recipient', recipient, '--output', output, file]);
  }

  remove(): void {
    try {
      execFileSync('gpgconf', ['--homedir', this.dir, '--kill', 'all'], { stdio: 'ignore' });
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** The single entry of a zip, read with the standard `unzip`. */
export function unzipOnly(zipBytes: Buffer, workDir: string): { name: string; content: Buffer } {
  const zip = path.join(workDir, `z-${process.hrtime.bigint()}.zip`);
  fs.writeFileSync(zip, zipBytes);
  try {
    const listing = execFileSync('unzip', ['-Z1', zip]).toString().trim().split('\n');
    if (listing.length !== 1) throw new Error(`expected one zip entry, found ${listing.length}: ${listing.join(', ')}`);
    return { name: listing[0], content: execFileSync('unzip', ['-p', zip, listing[0]], { maxBuffer: 1024 * 1024 * 1024 }) };
  } finally {
    fs.rmSync(zip, { force: true });
  }
}
