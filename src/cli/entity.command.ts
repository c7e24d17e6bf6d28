import { SmtError } from '../core/errors';
import { isParticipantKind } from '../registry/registry-formats';
import type { Participant } from '../registry/registry.service';
import { requiredOption, type Command } from './command';
import {
  checkCredentials, CREDENTIAL_OPTIONS, describeCertificates, listOption, readCredentialOptions, readKeyOption, registerCredentials,
} from './entity-options';

const ADD_USAGE = 'entity add --type REP|TDSP --name NAME --duns DUNS[,DUNS...] [--cert FILE.crt ...] [--signing-cert FILE.crt ...] [--pgp-key FILE.asc] [--ip ADDRESS[,ADDRESS...]]';
const UPDATE_USAGE = 'entity update NAME [--duns DUNS[,DUNS...]] [--cert FILE.crt ...] [--signing-cert FILE.crt ...] [--pgp-key FILE.asc] [--ip ADDRESS[,ADDRESS...]] [--endpoint URL] [--han-min-firmware VERSION]';

export const entityAddCommand: Command = {
  name: ['entity', 'add'],
  summary: 'Register a REP or TDSP: DUNS numbers, client certificates, PGP public key, source IP addresses',
  usage: ADD_USAGE,
  options: {
    type: { type: 'string' },
    name: { type: 'string' },
    duns: { type: 'string', multiple: true },
    ...CREDENTIAL_OPTIONS,
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const name = requiredOption(values, 'name', entityAddCommand);
    const kind = requiredOption(values, 'type', entityAddCommand).toUpperCase();
    if (!isParticipantKind(kind)) throw new SmtError('INPUT_INVALID', `--type must be REP or TDSP, not "${values.type}".\nUsage: smt ${ADD_USAGE}`);
    const duns = listOption(values, 'duns');
    if (duns.length === 0) throw new SmtError('INPUT_INVALID', `Give at least one --duns.\nUsage: smt ${ADD_USAGE}`);
    const pgpPublicKey = await readKeyOption(values);
    const credentialOptions = await readCredentialOptions(values);
    const credentials = credentialOptions.certificates.length > 0 || credentialOptions.ips !== undefined ? await app.credentials() : null;
    if (credentials) await checkCredentials(credentials, null, credentialOptions);
    const participant = await (await app.registry()).addParticipant({ name, kind, duns, pgpPublicKey });
    const lines = credentials ? await registerCredentials(credentials, participant.name, credentialOptions) : [];
    term.out([`Added ${describe(participant)}.`, ...lines, ...missingForSoap(participant.name, credentialOptions), ''].join('\n'));
    return 0;
  },
};

export const entityUpdateCommand: Command = {
  name: ['entity', 'update'],
  summary: "Add DUNS numbers or certificates to a participant, replace its PGP key or its IP addresses, set a TDSP's HAN endpoint and firmware floor",
  usage: UPDATE_USAGE,
  options: {
    duns: { type: 'string', multiple: true },
    ...CREDENTIAL_OPTIONS,
    endpoint: { type: 'string' },
    'han-min-firmware': { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length !== 1) {
      throw new SmtError('INPUT_INVALID', `Give the participant's name (quote it if it has spaces).\nUsage: smt ${UPDATE_USAGE}`);
    }
    const name = positionals[0]!;
    const addDuns = listOption(values, 'duns');
    const pgpPublicKey = await readKeyOption(values);
    const credentialOptions = await readCredentialOptions(values);
    const changesCredentials = credentialOptions.certificates.length > 0 || credentialOptions.ips !== undefined;
    // An empty value removes the setting.
    const setting = (option: string) => (typeof values[option] === 'string' ? (values[option] as string).trim() || null : undefined);
    const endpoint = setting('endpoint');
    const hanMinFirmware = setting('han-min-firmware');
    if (addDuns.length === 0 && pgpPublicKey === undefined && !changesCredentials && endpoint === undefined && hanMinFirmware === undefined) {
      throw new SmtError('INPUT_INVALID', `Nothing to change: give --duns, --cert, --signing-cert, --pgp-key, --ip, --endpoint or --han-min-firmware.\nUsage: smt ${UPDATE_USAGE}`);
    }
    const registry = await app.registry();
    const credentials = changesCredentials ? await app.credentials() : null;
    if (credentials) await checkCredentials(credentials, name, credentialOptions);
    // Called even with nothing to change there: it is what refuses an unknown name before any credential is stored.
    const participant = await registry.updateParticipant(name, { addDuns, pgpPublicKey, endpoint, hanMinFirmware });
    const lines = credentials ? await registerCredentials(credentials, participant.name, credentialOptions) : [];
    term.out([`Updated ${describe(participant)}.`, ...lines, ''].join('\n'));
    return 0;
  },
};

export const entityListCommand: Command = {
  name: ['entity', 'list'],
  summary: 'List the registered REPs and TDSPs with their DUNS numbers, certificates and IP addresses',
  usage: 'entity list',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const participants = await (await app.registry()).listParticipants();
    if (participants.length === 0) {
      term.out('No participants registered yet (smt entity add, or smt registry import a participants file).\n');
      return 0;
    }
    const credentials = await (await app.credentials()).credentialsByParticipant();
    const now = new Date();
    const rows = [
      ['NAME', 'KIND', 'DUNS', 'PGP KEY', 'IP ADDRESSES', 'HAN ENDPOINT', 'CERTIFICATES'],
      ...participants.map((p) => {
        const c = credentials.get(p.id);
        return [p.name, p.kind, p.duns.join(' '), p.pgpPublicKey === null ? 'no' : 'yes',
          c && c.ips.length > 0 ? c.ips.join(' ') : '-', p.endpoint ?? '-', describeCertificates(c?.certificates ?? [], now)];
      }),
    ];
    const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
    for (const row of rows) term.out(`${row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()}\n`);
    return 0;
  },
};

function describe(p: Participant): string {
  const han = p.kind === 'TDSP' ? `; HAN endpoint ${p.endpoint ?? 'not set'}${p.hanMinFirmware ? `, firmware ${p.hanMinFirmware} or newer` : ''}` : '';
  return `${p.kind} "${p.name}" with DUNS ${p.duns.join(', ')} (${p.pgpPublicKey === null ? 'no PGP key' : 'PGP key registered'}${han})`;
}

/** SOAP calls need a TLS certificate and a source address: say so at onboarding rather than at the first refused call. */
function missingForSoap(name: string, options: { certificates: { purpose: string }[]; ips: string[] | undefined }): string[] {
  const missing = [
    ...(options.certificates.some((c) => c.purpose === 'tls') ? [] : ['a client certificate (--cert)']),
    ...(options.ips !== undefined && options.ips.length > 0 ? [] : ['a source IP address (--ip)']),
  ];
  return missing.length > 0 ? [`Before it can call the SOAP services, register ${missing.join(' and ')}: smt entity update "${name}" ...`] : [];
}
