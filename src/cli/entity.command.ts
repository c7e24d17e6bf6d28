import fs from 'node:fs/promises';
import { SmtError } from '../core/errors';
import { isParticipantKind, pgpPublicKeyProblem } from '../registry/registry-formats';
import type { Participant } from '../registry/registry.service';
import { requiredOption, type Command } from './command';

const ADD_USAGE = 'entity add --name NAME --kind REP|TDSP --duns DUNS [--duns DUNS ...] [--pgp-key FILE.asc]';
const UPDATE_USAGE = 'entity update NAME [--duns DUNS ...] [--pgp-key FILE.asc]';

export const entityAddCommand: Command = {
  name: ['entity', 'add'],
  summary: 'Register a REP or TDSP with its DUNS numbers and, optionally, its PGP public key',
  usage: ADD_USAGE,
  options: {
    name: { type: 'string' },
    kind: { type: 'string' },
    duns: { type: 'string', multiple: true },
    'pgp-key': { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const name = requiredOption(values, 'name', entityAddCommand);
    const kind = requiredOption(values, 'kind', entityAddCommand).toUpperCase();
    if (!isParticipantKind(kind)) throw new SmtError('INPUT_INVALID', `--kind must be REP or TDSP, not "${values.kind}".\nUsage: smt ${ADD_USAGE}`);
    const duns = dunsOption(values);
    if (duns.length === 0) throw new SmtError('INPUT_INVALID', `Give at least one --duns.\nUsage: smt ${ADD_USAGE}`);
    const pgpPublicKey = await readKeyOption(values);
    const participant = await (await app.registry()).addParticipant({ name, kind, duns, pgpPublicKey });
    term.out(`Added ${describe(participant)}.\n`);
    return 0;
  },
};

export const entityUpdateCommand: Command = {
  name: ['entity', 'update'],
  summary: 'Add DUNS numbers to a participant or replace its PGP public key',
  usage: UPDATE_USAGE,
  options: {
    duns: { type: 'string', multiple: true },
    'pgp-key': { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length !== 1) {
      throw new SmtError('INPUT_INVALID', `Give the participant's name (quote it if it has spaces).\nUsage: smt ${UPDATE_USAGE}`);
    }
    const addDuns = dunsOption(values);
    const pgpPublicKey = await readKeyOption(values);
    if (addDuns.length === 0 && pgpPublicKey === undefined) {
      throw new SmtError('INPUT_INVALID', `Nothing to change: give --duns or --pgp-key.\nUsage: smt ${UPDATE_USAGE}`);
    }
    const participant = await (await app.registry()).updateParticipant(positionals[0]!, { addDuns, pgpPublicKey });
    term.out(`Updated ${describe(participant)}.\n`);
    return 0;
  },
};

export const entityListCommand: Command = {
  name: ['entity', 'list'],
  summary: 'List the registered REPs and TDSPs with their DUNS numbers',
  usage: 'entity list',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const participants = await (await app.registry()).listParticipants();
    if (participants.length === 0) {
      term.out('No participants registered yet (smt entity add, or smt registry import a participants file).\n');
      return 0;
    }
    const rows = [
      ['NAME', 'KIND', 'DUNS', 'PGP KEY'],
      ...participants.map((p) => [p.name, p.kind, p.duns.join(' '), p.pgpPublicKey === null ? 'no' : 'yes']),
    ];
    const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
    for (const row of rows) term.out(`${row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()}\n`);
    return 0;
  },
};

function dunsOption(values: Record<string, unknown>): string[] {
  const duns = values.duns;
  return Array.isArray(duns) ? duns.map(String) : [];
}

/** undefined when --pgp-key is not given; the key text when the file holds a public key. */
async function readKeyOption(values: Record<string, unknown>): Promise<string | undefined> {
  const file = values['pgp-key'];
  if (typeof file !== 'string') return undefined;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new SmtError('FILE_UNREADABLE', `Cannot read the PGP key file ${file}: ${(error as Error).message}`, { file });
  }
  const problem = pgpPublicKeyProblem(text);
  if (problem) throw new SmtError('INPUT_INVALID', `The PGP key file ${file} ${problem}.`, { file });
  return text;
}

function describe(p: Participant): string {
  return `${p.kind} "${p.name}" with DUNS ${p.duns.join(', ')} (${p.pgpPublicKey === null ? 'no PGP key' : 'PGP key registered'})`;
}
