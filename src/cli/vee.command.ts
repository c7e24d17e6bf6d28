import { SmtError } from '../core/errors';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { RULE_NAMES, VEE_RULES } from '../vee/vee-day';
import { VeeStore } from '../vee/vee.store';
import { readDateOption } from './cli-inputs';
import type { Command } from './command';
import { readParticipantOption } from './participant-option';

const COLUMNS = ['OPERATING_DAY', 'TDSP_DUNS', 'ESIID', 'CHANNEL', 'VERSION', 'CODE', 'RULE', 'REASON', 'FILE_ID'];
const MAX_LIMIT = 1_000_000;

export const veeCommand: Command = {
  name: ['vee'],
  summary: 'List the VEE data-quality findings on loaded records (flags only: the data is served unchanged)',
  usage: 'vee [--tdsp NAME|DUNS] [--day DATE] [--rule RULE|CODE] [--file ID] [--limit N] [--json]',
  options: {
    tdsp: { type: 'string' },
    day: { type: 'string' },
    rule: { type: 'string' },
    file: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const code = typeof values.rule === 'string' ? ruleCode(values.rule, this.usage) : undefined;
    const operatingDay = typeof values.day === 'string' ? readDateOption(values.day, '--day') : undefined;
    const tdspDuns = typeof values.tdsp === 'string' ? (await readParticipantOption(app, values.tdsp, '--tdsp', 'TDSP')).duns : undefined;
    const fileId = typeof values.file === 'string' ? whole(values.file, '--file', 1, Number.MAX_SAFE_INTEGER) : undefined;
    const limit = typeof values.limit === 'string' ? whole(values.limit, '--limit', 1, MAX_LIMIT) : 1000;
    const findings = await new VeeStore(await app.db()).list({ tdspDuns, operatingDay, code, fileId, limit: limit + 1 });
    const shown = findings.slice(0, limit);
    if (values.json) {
      for (const f of shown) term.out(JSON.stringify(f) + '\n');
    } else {
      term.out(csvHeader(COLUMNS) + csvChunk(shown.map((f) => [f.operatingDay, f.tdspDuns, f.esiid, String(f.channel), f.version === null ? '' : String(f.version), f.code, f.rule, f.reason, String(f.fileId)])));
    }
    term.err(`${shown.length} finding${shown.length === 1 ? '' : 's'}${findings.length > limit ? ` shown; more match (--limit ${limit}): narrow with --tdsp, --day or --rule` : ''}\n`);
    return 0;
  },
};

/** A rule by name (SUM_CHECK, sum-check) or code (V01). */
function ruleCode(value: string, usage: string): string {
  const text = value.trim().toUpperCase().replace(/-/g, '_');
  const byCode = RULE_NAMES.find((r) => VEE_RULES[r].code === text);
  const rule = byCode ?? RULE_NAMES.find((r) => r === text);
  if (!rule) {
    throw new SmtError('INPUT_INVALID', `--rule "${value.slice(0, 40)}" is not a VEE rule; one of ${RULE_NAMES.map((r) => `${r} (${VEE_RULES[r].code})`).join(', ')}\nUsage: smt ${usage}`);
  }
  return VEE_RULES[rule].code;
}

function whole(value: string, option: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= min && n <= max)) throw new SmtError('INPUT_INVALID', `${option} "${value.slice(0, 20)}" is not a whole number from ${min} to ${max}`);
  return n;
}
