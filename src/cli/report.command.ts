import fs from 'node:fs';
import { SmtError } from '../core/errors';
import { PRIVATE_FILE_MODE } from '../core/private-files';
import { readDateOption, readRegisteredDuns } from './cli-inputs';
import { reportHeader } from '../usage/report.generator';
import type { ReportType } from '../usage/usage-day';
import { requiredOption, type Command } from './command';

export const reportCommand: Command = {
  name: ['report'],
  summary: 'Run a usage report (interval, daily, monthly) as CSV, or queue it for delivery with --deliver',
  usage: 'report --type interval|daily|monthly --duns D --from DATE --to DATE (--esiid X ... | --esiids-file F) [--version L|A] [--reading C|G|A] [--estimates] [--out FILE.csv] [--deliver]',
  options: {
    type: { type: 'string' },
    duns: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    esiid: { type: 'string', multiple: true },
    'esiids-file': { type: 'string' },
    version: { type: 'string', default: 'L' },
    reading: { type: 'string', default: 'C' },
    out: { type: 'string' },
    deliver: { type: 'boolean', default: false },
    estimates: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const requesterDuns = requiredOption(values, 'duns', this).trim();
    await readRegisteredDuns(app, requesterDuns, '--duns');
    const input = {
      requesterDuns,
      reportType: requiredOption(values, 'type', this).toUpperCase(),
      startDate: readDateOption(requiredOption(values, 'from', this), '--from'),
      endDate: readDateOption(requiredOption(values, 'to', this), '--to'),
      version: values.version as string,
      readingType: values.reading as string,
      esiids: esiidList(values),
      platformEstimates: values.estimates === true,
    };
    const requests = await app.reportRequests();
    if (values.deliver === true) {
      const r = await requests.submit(input);
      term.out(`correlation id ${r.correlationId}: ${r.statusCode}${r.statusReason ? ` (${r.statusReason})` : ''}\n`);
      if (r.notAuthorized.length > 0) term.out(`not authorized (${r.notAuthorized.length}): ${r.notAuthorized.join(' ')}\n`);
      term.out(`Follow it with: smt requests --id ${r.correlationId}\n`);
      return r.statusCode === 'PEN' ? 0 : 1;
    }
    const { spec, scope, authorized, notAuthorized } = await requests.prepare(input);
    if (notAuthorized.length > 0) term.err(`not authorized for DUNS ${spec.requesterDuns} (${notAuthorized.length}): ${notAuthorized.join(' ')}\n`);
    const out = typeof values.out === 'string' ? fs.createWriteStream(values.out, { mode: PRIVATE_FILE_MODE }) : null;
    const write = async (text: string | Uint8Array): Promise<void> => {
      if (!out) return term.out(typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString());
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    };
    let records = 0;
    await write(reportHeader(spec.reportType as ReportType, spec.platformEstimates));
    for await (const chunk of (await app.reportCsv()).chunks({ ...spec, esiids: authorized, scope })) {
      await write(chunk.csv);
      records += chunk.records;
    }
    if (out) {
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      term.err(`${records} record(s) written to ${values.out}\n`);
    }
    return 0;
  },
};

function esiidList(values: Record<string, unknown>): string[] {
  const listed = (values.esiid as string[] | undefined) ?? [];
  const file = values['esiids-file'];
  if (typeof file !== 'string') {
    if (listed.length === 0) throw new SmtError('INPUT_INVALID', 'name the ESI IDs with --esiid X (repeatable) or --esiids-file FILE (one per line)');
    return listed;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SmtError('FILE_UNREADABLE', `${file}: cannot read the ESI ID list`);
  }
  return [...listed, ...text.split(/\r?\n/).map((l) => l.trim().replace(/^'/, '')).filter((l) => l !== '' && !l.startsWith('#'))];
}
