import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { makePrivateDir } from '../core/private-files';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Mail through the operator's SMTP server (SMT_SMTP_URL). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return { send: async (m) => void (await transport.sendMail({ from, ...m })) };
}

export interface CaughtMail {
  file: string;
  to: string;
  subject: string;
  at: string;
}

/**
 * Development mail catcher: with no SMTP server configured, every message is built as the real
 * RFC 5322 text nodemailer would send and written to <data>/mail/, one .eml file per message,
 * for the development page (/dev/mail) and tests to read.
 */
export class MailCatcher implements Mailer {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  private counter = 0;

  constructor(readonly dir: string, private readonly from: string) {}

  async send(m: MailMessage): Promise<void> {
    const info = await this.transport.sendMail({ from: this.from, ...m });
    await makePrivateDir(this.dir);
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++this.counter}.eml`;
    await fs.promises.writeFile(path.join(this.dir, name), info.message as Buffer, { mode: 0o600 });
  }

  /** Newest first. */
  async list(): Promise<CaughtMail[]> {
    const names = (await fs.promises.readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort().reverse();
    return Promise.all(names.map(async (file) => {
      const text = await this.read(file);
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(text ?? '')?.[1] ?? '';
      return { file, to: header('To'), subject: header('Subject'), at: header('Date') };
    }));
  }

  /** A caught message's text, or null for a name that is not one of them. */
  async read(file: string): Promise<string | null> {
    if (!/^[\w.-]+\.eml$/.test(file)) return null;
    return fs.promises.readFile(path.join(this.dir, file), 'utf8').catch(() => null);
  }
}
