import { Router } from 'express';
import { html } from '../html';
import type { MailCatcher } from '../mailer';
import { page } from '../portal-context';
import type { SessionService } from '../session.service';

/** Development only: the messages the mail catcher wrote to <data>/mail/. */
export function devRoutes(catcher: MailCatcher, sessions: SessionService): Router {
  const router = Router();
  router.get('/dev/mail', async (req, res) => {
    const mails = await catcher.list();
    page(req, res, sessions, 'Mail caught in development', html`<p>Messages written to ${catcher.dir}, newest first.</p>
<table id="mail"><tr><th>Date</th><th>To</th><th>Subject</th></tr>${mails.map((m) => html`<tr><td>${m.at}</td><td>${m.to}</td><td><a href="/dev/mail/${m.file}">${m.subject}</a></td></tr>`)}</table>`);
  });
  router.get('/dev/mail/:file', async (req, res) => {
    const text = await catcher.read(req.params.file);
    if (text === null) return void res.status(404).send('Not found');
    const body = decodeQuotedPrintable(text.slice(text.indexOf('\n\n') + 2));
    const links = [...body.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
    page(req, res, sessions, 'Message', html`<pre id="message">${text.slice(0, text.indexOf('\n\n'))}\n\n${body}</pre>${links.map((l) => html`<p><a class="mail-link" href="${l}">${l}</a></p>`)}`);
  });
  return router;
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
