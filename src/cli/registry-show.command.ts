import { readRegisteredEsiid } from './cli-inputs';
import { SmtError } from '../core/errors';
import type { Command } from './command';

export const registryShowCommand: Command = {
  name: ['registry', 'show'],
  summary: 'Show what the registry holds for ESI IDs: TDSP, meter, read cycle, load profile class and REP-of-record history',
  usage: 'registry show ESIID [ESIID ...] [--json]',
  options: { json: { type: 'boolean', default: false } },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length === 0) throw new SmtError('INPUT_INVALID', `Name at least one ESI ID.\nUsage: smt ${this.usage}`);
    const registry = await app.registry();
    for (const esiid of positionals) {
      const id = await readRegisteredEsiid(app, esiid, 'ESI ID');
      const record = (await registry.getEsiid(id))!;
      const reps = await registry.repsOfRecord(id);
      if (values.json === true) {
        term.out(`${JSON.stringify({ ...record, loadProfileClass: record.loadProfileClass ?? null, repsOfRecord: reps })}\n`);
        continue;
      }
      term.out([
        `ESI ID ${record.esiid}`,
        `  TDSP DUNS           ${record.tdspDuns}`,
        `  meter               ${record.meterNumber ?? '(none)'}${record.meterHardwareVersion || record.meterFirmwareVersion ? ` (hardware ${record.meterHardwareVersion ?? '-'}, firmware ${record.meterFirmwareVersion ?? '-'})` : ''}`,
        `  read cycle          ${record.readCycle ?? '(calendar months)'}`,
        `  load profile class  ${record.loadProfileClass ?? '(unknown: no default-profile estimates)'}`,
        ...(reps.length === 0 ? ['  REP of record       (none)'] : reps.map((r, i) => `  ${i === 0 ? 'REP of record      ' : '                   '} ${r.repDuns} from ${r.effectiveFrom}${r.effectiveTo ? ` to ${r.effectiveTo}` : ''} (${r.source})`)),
      ].join('\n') + '\n');
    }
    return 0;
  },
};
