import type { ReportStatusView } from '../usage/report-request.service';
import { SmtError } from '../core/errors';
import { STATUS_CODES } from '../soap/meter-usage.types';
import type { Command } from './command';

export const requestsCommand: Command = {
  name: ['requests'],
  summary: 'List usage report requests with their status, counts and delivered files',
  usage: `requests [--status ${STATUS_CODES.join('|')}] [--id CORRELATION_ID] [--json]`,
  options: { status: { type: 'string' }, id: { type: 'string' }, json: { type: 'boolean', default: false } },
  allowPositionals: false,
  async run({ values }, app, term) {
    if (typeof values.status === 'string' && !(STATUS_CODES as readonly string[]).includes(values.status)) {
      throw new SmtError('INPUT_INVALID', `--status "${values.status}" is not one of ${STATUS_CODES.join(', ')}.\nUsage: smt ${this.usage}`);
    }
    const requests = await app.reportRequests();
    const views = typeof values.id === 'string' ? [await requests.status(values.id)] : await requests.list(values.status as string | undefined);
    if (values.json === true) {
      for (const v of views) term.out(`${JSON.stringify(v)}\n`);
      return 0;
    }
    if (views.length === 0) term.out('No requests.\n');
    for (const v of views) term.out(describe(v));
    return 0;
  },
};

function describe(v: ReportStatusView): string {
  const lines = [
    `${v.correlationId}  ${v.statusCode}${v.statusReason ? ` (${v.statusReason})` : ''}`,
    `  ${v.kind} ${v.reportType} ${v.startDate}..${v.endDate} version ${v.version} reading ${v.readingType}${v.platformEstimates ? ' with platform estimates' : ''} for DUNS ${v.requesterDuns}: ${v.esiidCount} ESI ID(s), ${v.notAuthorizedCount} not authorized, ${v.recordCount} record(s)`,
  ];
  for (const f of v.files) lines.push(`  ${f.removed ? '(removed) ' : ''}${f.fileName}  ${f.records} record(s), ${f.bytes} bytes`);
  if (v.expiresAt) lines.push(`  files kept until ${v.expiresAt}`);
  return `${lines.join('\n')}\n`;
}
