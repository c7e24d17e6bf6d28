import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { SmtError, type ErrorCode } from '../../src/core/errors';

/** Runs a tool and collects its output; rejects with stderr so a gpg or unzip failure explains itself. */
export function runTool(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${command} ${args.join(' ')}: ${err}`))));
    // gpg --decrypt and unzip never read stdin and may exit before it closes.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Awaits a promise that must reject with an SmtError of the given code, and returns the error. */
export async function expectSmtError(promise: Promise<unknown>, code: ErrorCode): Promise<SmtError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a rejection').to.be.instanceOf(SmtError);
  expect((error as SmtError).code, (error as SmtError).message).to.equal(code);
  return error as SmtError;
}
