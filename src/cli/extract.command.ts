import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import { EXTRACT_LAG_DAYS, SupplementalExtractService } from '../extracts/supplemental-extract.service';
import type { App } from '../app';
import { readDateOption, readDunsOption } from './cli-inputs';
import { requiredOption, type Command } from './command';

async function service(app: App): Promise<SupplementalExtractService> {
  return new SupplementalExtractService(await app.db(), await app.registry(), app.ftpsRoot, app.logger);
}

export const extractSubscribeCommand: Command = {
  name: ['extract', 'subscribe'],
  summary: 'Subscribe a REP or TDSP DUNS to the Supplemental AMS Interval Data Extract (daily, in its extracts/ folder)',
  usage: 'extract subscribe --duns DUNS',
  options: { duns: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, app, term) {
    term.out(`${await (await service(app)).subscribe(readDunsOption(requiredOption(values, 'duns', this), '--duns'))}\n`);
    return 0;
  },
};

export const extractUnsubscribeCommand: Command = {
  name: ['extract', 'unsubscribe'],
  summary: 'End a DUNS\'s Supplemental AMS Interval Data Extract subscription',
  usage: 'extract unsubscribe --duns DUNS',
  options: { duns: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, app, term) {
    const duns = readDunsOption(requiredOption(values, 'duns', this), '--duns');
    if (!(await (await service(app)).unsubscribe(duns))) throw new SmtError('NOT_FOUND', `${duns} has no extract subscription (smt extract list shows them)`);
    term.out(`${duns} unsubscribed\n`);
    return 0;
  },
};

export const extractListCommand: Command = {
  name: ['extract', 'list'],
  summary: 'List the Supplemental AMS Interval Data Extract subscriptions',
  usage: 'extract list',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const list = await (await service(app)).list();
    term.out(list.map((s) => `${s.duns}  since ${s.createdAt}  last extract ${s.lastExtractDay ?? 'none yet'}\n`).join('') || 'no subscriptions\n');
    return 0;
  },
};

export const extractRunCommand: Command = {
  name: ['extract', 'run'],
  summary: `Produce a day's Supplemental AMS Interval Data Extract (the loads of ${EXTRACT_LAG_DAYS} days before) for every subscription that has not had it`,
  usage: 'extract run [--day DATE]',
  options: { day: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, app, term) {
    const day = typeof values.day === 'string' ? readDateOption(values.day, '--day') : cptToday();
    const { delivered, failed } = await (await service(app)).run(day);
    for (const o of delivered) term.out(`${o.duns} (${o.participant}): ${o.records} record${o.records === 1 ? '' : 's'} loaded ${o.loadDay} -> ${o.files.map((f) => f.path).join(', ')}\n`);
    for (const f of failed) term.err(`${f.duns}: failed, still due (run again): ${f.error}\n`);
    if (delivered.length + failed.length === 0) term.err(`no subscription is due for ${day}\n`);
    return failed.length > 0 ? 1 : 0;
  },
};
