import fs from 'node:fs/promises';
import type { ReadStream } from 'node:tty';
import { SmtError } from '../core/errors';

/**
 * A new password from a file, from piped stdin, or typed twice without echo on a terminal.
 * One trailing line break is dropped (files and `echo` end with one); nothing else is changed.
 */
export async function readNewPassword(source: { file: string | undefined; stdin: NodeJS.ReadStream; err: (text: string) => void; prompt?: string }): Promise<string> {
  if (source.file !== undefined) {
    const text = await fs.readFile(source.file, 'utf8').catch((error: Error) => {
      throw new SmtError('FILE_UNREADABLE', `Cannot read the password file ${source.file}: ${error.message}`, { file: source.file });
    });
    return withoutLineBreak(text);
  }
  if (!source.stdin.isTTY) return withoutLineBreak(await readAll(source.stdin));
  const first = await promptHidden(source.stdin as ReadStream, source.err, source.prompt ?? 'New FTPS password: ');
  const second = await promptHidden(source.stdin as ReadStream, source.err, 'Repeat it: ');
  if (first !== second) throw new SmtError('INPUT_INVALID', 'The two entries differ; nothing was changed.');
  return first;
}

function withoutLineBreak(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line in raw mode, echoing nothing; Ctrl-C cancels. */
function promptHidden(stdin: ReadStream, err: (text: string) => void, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    err(question);
    const finish = (outcome: () => void) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      err('\n');
      outcome();
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new SmtError('INPUT_INVALID', 'Cancelled; nothing was changed.')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
