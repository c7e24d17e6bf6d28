import { html, type Html } from './html';

export interface PageContext {
  csrf: string;
  /** The logged-in user's ID, or null. */
  login: string | null;
  /** The logged-in user is her organization's administrator (the "Users" link). */
  admin?: boolean;
  development: boolean;
  /** The logged-in user's kind (which feature links the header shows). */
  kind?: string | null;
}

/** Every page's frame: header with navigation, the content, the footer. No inline script or style (CSP). */
export function layout(ctx: PageContext, title: string, content: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - Smart Meter Texas</title><link rel="stylesheet" href="/static/portal.css"></head>
<body><header><a class="brand" href="/">Smart Meter Texas</a><nav>
${ctx.login ? html`<a href="/meters">My Smart Meters</a> <a href="/exports">Exports</a> ${ctx.admin ? html`<a href="/users">Users</a> ` : ''}${featureLinks(ctx.kind ?? null)}<a class="who" href="/profile">${ctx.login}</a>
<form method="post" action="/logout" class="inline">${csrfField(ctx)}<button type="submit">Log out</button></form>`
    : html`<a href="/login">Log in</a> <a href="/register">Register</a>`}
<a href="/faq">FAQs</a> <a href="/contact">Contact Us</a>${ctx.development ? html` <a href="/dev/mail">Mail (dev)</a>` : ''}</nav></header>
<main><h1>${title}</h1>${content}</main>
<footer><a href="/terms">Terms and Conditions</a></footer></body></html>`;
}

/** HAN devices, friends and Green Button, for the kinds of user that have them. */
function featureLinks(kind: string | null): Html {
  if (kind === 'CUSTOMER') return html`<a href="/han">HAN Devices</a> <a href="/friends">Friends</a> <a href="/green-button">Green Button</a> `;
  if (kind === 'REP') return html`<a href="/han">HAN Devices</a> <a href="/han-log">HAN Messaging Log</a> `;
  return kind === 'TDSP' ? html`<a href="/han">HAN Devices</a> ` : html``;
}

export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

export function problemList(problems: Record<string, string>): Html {
  const list = Object.values(problems);
  return list.length === 0 ? html`` : html`<ul class="problems">${list.map((p) => html`<li>${p}</li>`)}</ul>`;
}

export const PORTAL_CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{display:flex;gap:1em;align-items:center;justify-content:space-between;background:#12385f;color:#fff;padding:.6em 1em}
header a{color:#fff;margin-right:.8em}.brand{font-weight:bold;font-size:1.2em}.who{margin-right:.5em}
main{padding:1em 2em;max-width:1100px}footer{padding:1em 2em;border-top:1px solid #ccc}
form.inline{display:inline}label{display:block;margin:.4em 0}input,select{margin-left:.4em}
.problems,.cr001{background:#fde8e8;border:1px solid #c33;padding:.6em 1.6em}.notice{background:#e8f4fd;border:1px solid #39c;padding:.6em 1em}
table{border-collapse:collapse;font-size:.85em;display:block;overflow-x:auto;max-width:100%}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap}
tr.nodata td{color:#999;font-style:italic;text-align:left}tr.est td{background:#fff6db}
.chart{display:block;margin:1em 0;background:#fafafa;border:1px solid #ddd}.bar{fill:#2a7ab9}.bar.est{fill:#e0a526}.axis{font-size:11px;fill:#555}
.legend span{display:inline-block;width:1em;height:1em;vertical-align:middle;margin:0 .3em}.legend .a{background:#2a7ab9}.legend .e{background:#e0a526}
`;
