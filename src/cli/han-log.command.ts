import fs from 'node:fs';
import { SmtError } from '../core/errors';
import { PRIVATE_FILE_MODE } from '../core/private-files';
import { EVENT_CATEGORIES } from '../db/entities/han-message.entity';
import { LOG_COLUMNS, readMessageLog } from '../han/han-message-log';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { readDateOption, readRegisteredDuns, readRegisteredEsiid } from './cli-inputs';
import { requiredOption, type Command } from './command';

export const hanLogCommand: Command = {
  name: ['han-log'],
  summary: "Export a REP's HAN messaging log as CSV (the columns of GetHanMessageLog)",
  usage: 'han-log --duns REP_DUNS --from DATE --to DATE [--esiid X] [--request-id ID] [--category PRM|LCE|CLE|CAL|STM|CSM] [--out FILE.csv]',
  options: {
    duns: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    esiid: { type: 'string' },
    'request-id': { type: 'string' },
    category: { type: 'string' },
    out: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const category = typeof values.category === 'string' ? values.category.toUpperCase() : undefined;
    if (category !== undefined && !(EVENT_CATEGORIES as readonly string[]).includes(category)) {
      throw new SmtError('INPUT_INVALID', `--category "${values.category}" is not one of ${EVENT_CATEGORIES.join(', ')}.\nUsage: smt ${this.usage}`);
    }
    const from = readDateOption(requiredOption(values, 'from', this), '--from');
    const to = readDateOption(requiredOption(values, 'to', this), '--to');
    if (to < from) throw new SmtError('INPUT_INVALID', `--to ${to} is before --from ${from}`);
    const repDuns = requiredOption(values, 'duns', this).trim();
    await readRegisteredDuns(app, repDuns, '--duns', 'REP');
    if (typeof values.esiid === 'string') await readRegisteredEsiid(app, values.esiid, '--esiid');
    const entries = await readMessageLog(await app.db(), {
      repDuns, from, to,
      esiid: values.esiid as string | undefined, requestId: values['request-id'] as string | undefined, category,
    });
    const csv = csvHeader([...LOG_COLUMNS]) + csvChunk(entries.map((e) => LOG_COLUMNS.map((c) => (e[c] === null ? '' : String(e[c])))));
    if (typeof values.out === 'string') {
      await fs.promises.writeFile(values.out, csv, { mode: PRIVATE_FILE_MODE });
      term.err(`${entries.length} log entr${entries.length === 1 ? 'y' : 'ies'} written to ${values.out}\n`);
    } else {
      term.out(csv);
    }
    return 0;
  },
};
