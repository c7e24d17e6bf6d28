/**
 * Server-side templates as tagged template literals: every interpolated value is HTML-escaped
 * unless it is already Html (made by `html` itself), so a page cannot forget to escape. No engine,
 * no compile step, no dependency: a page is a function returning Html.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

/** Most values (numbers, dates, ESI IDs) need nothing: the test is far cheaper than the replace. */
export function escapeHtml(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Text already built safely elsewhere (e.g. the SVG chart, whose numbers are computed here). */
export function trusted(text: string): Html {
  return new Html(text);
}
