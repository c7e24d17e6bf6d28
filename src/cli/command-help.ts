import type { Command } from './command';

/** One line per option and at least one example for every command, shown by `smt COMMAND --help`. */
interface HelpText {
  options: Record<string, string>;
  examples: string[];
}

const DATE = 'MM/DD/YYYY or YYYY-MM-DD';

export const DATES_NOTE = `Dates: every date option takes ${DATE} (07/14/2025 and 2025-07-14 are the same day).`;
export const IDENTIFIERS_NOTE = 'A DUNS is 9 digits (or 13: 9 + a 4-digit suffix); a malformed or unregistered one is an error (exit status 2).';

const HELP: Record<string, HelpText> = {
  serve: {
    options: { 'poll-seconds': 'seconds between checks of the TDSPs\' inbound/ folders (default 5)' },
    examples: ['smt serve', 'SMT_SOAP_PORT=18443 SMT_FTPS_PORT=12121 smt serve --poll-seconds 2'],
  },
  ingest: {
    options: {
      for: 'load as this TDSP (its name or one of its DUNS): its own records only, activity report in its reports/ folder',
      json: 'print one JSON object per file instead of the text summary',
    },
    examples: ['smt ingest fixtures/lse --for 100000001', 'smt ingest 100000001IntervalData20250701120000001.lse --json'],
  },
  usage: {
    options: {
      from: `first operating day (${DATE})`,
      to: `last operating day (${DATE})`,
      channel: '4 (consumption) or 1 (generation); default both',
      'all-versions': 'every stored version of each day, not only the latest',
    },
    examples: ['smt usage 10443720000000001 --from 2025-11-02 --to 2025-11-02', 'smt usage 10443720000000001 --from 07/01/2025 --to 07/03/2025 --channel 4'],
  },
  report: {
    options: {
      type: 'interval, daily or monthly',
      duns: 'the requesting REP\'s or TDSP\'s DUNS',
      from: `first day (${DATE})`,
      to: `last day (${DATE})`,
      esiid: 'an ESI ID to report (repeat the option for more)',
      'esiids-file': 'a file of ESI IDs, one per line (# comments allowed)',
      version: 'L (latest, default) or A (all versions)',
      reading: 'C (consumption, default), G (generation) or A (all)',
      out: 'write the CSV to this file instead of stdout',
      deliver: 'queue the report for delivery to the requester\'s FTPS folder instead of printing it',
      estimates: 'add the platform\'s estimates of missing consumption days (made if missing) (interval and daily reports), marked in the PLATFORM_ESTIMATE and ESTIMATE_SOURCE columns',
    },
    examples: [
      'smt report --type daily --duns 200000001 --from 07/14/2025 --to 07/17/2025 --esiid 10443720000000006',
      'smt report --type interval --duns 200000001 --from 2025-07-01 --to 2025-07-01 --esiid 10443720000000001 --deliver',
    ],
  },
  requests: {
    options: {
      status: 'only requests in this status',
      id: 'only the request with this correlation id',
      json: 'print JSON instead of a table',
    },
    examples: ['smt requests', 'smt requests --status PEN --json'],
  },
  'reports run': { options: {}, examples: ['smt reports run'] },
  'post-daily': {
    options: {
      date: `the operating day to post (${DATE})`,
      duns: 'only this REP DUNS (default: every REP DUNS)',
    },
    examples: ['smt post-daily --date 2025-07-01', 'smt post-daily --date 07/01/2025 --duns 200000001'],
  },
  'retention run': { options: {}, examples: ['smt retention run'] },
  'registry import': {
    options: {},
    examples: ['smt registry import fixtures/registry/participants.csv fixtures/registry/esiids.csv fixtures/registry/rep-of-record.csv'],
  },
  'registry show': {
    options: { json: 'one JSON object per ESI ID instead of text' },
    examples: ['smt registry show 10443720000000001', 'smt registry show 10443720000000001 10443720000000002 --json'],
  },
  'entity add': {
    options: {
      type: 'REP or TDSP',
      name: 'the participant\'s name (unique; quote it if it has spaces)',
      duns: 'its DUNS number(s), comma-separated or repeated',
      cert: 'a TLS client certificate file (PEM) it calls with (repeatable)',
      'signing-cert': 'a certificate that signs its SOAP messages, if not the TLS one (repeatable)',
      'pgp-key': 'its ASCII-armoured PGP public key (reports are encrypted to it)',
      ip: 'an address it calls from, comma-separated or repeated',
    },
    examples: ['smt entity add --type REP --name "Acme Energy" --duns 200000007 --cert ./acme/rep1.example.com.crt --pgp-key acme-public.asc --ip 203.0.113.10'],
  },
  'entity update': {
    options: {
      duns: 'add DUNS number(s)',
      cert: 'add a TLS client certificate (repeatable)',
      'signing-cert': 'add a signing certificate (repeatable)',
      'pgp-key': 'replace the PGP public key',
      ip: 'replace the source addresses (an empty value removes them all)',
      endpoint: 'a TDSP\'s HAN endpoint URL (empty: unset)',
      'han-min-firmware': 'a TDSP\'s lowest meter firmware that supports HAN (empty: unset)',
    },
    examples: ['smt entity update "Acme Energy" --ip 203.0.113.10,203.0.113.11', 'smt entity update "Demo TDSP" --endpoint https://tdsp.example.com/TdspHan'],
  },
  'entity list': { options: {}, examples: ['smt entity list'] },
  'entity set-password': {
    options: { 'password-file': 'read the password from this file instead of asking twice (piped stdin is read too)' },
    examples: ['smt entity set-password "Acme Energy"', 'smt entity set-password "Acme Energy" --password-file pw.txt'],
  },
  'pki init': { options: {}, examples: ['smt pki init'] },
  'pki issue': {
    options: {
      cn: 'the certificate\'s common name',
      out: 'the folder for the certificate, key and PKCS#12 keystore',
      days: 'validity in days (default 365, at most 3650)',
      password: 'the PKCS#12 password (default: a random one, printed once)',
    },
    examples: ['smt pki issue --cn rep1.example.com --out ./acme'],
  },
  'cert revoke': {
    options: { reason: 'a note kept with the revocation' },
    examples: ['smt cert revoke ./acme/rep1.example.com.crt --reason "key lost"', 'smt cert revoke 4F:2A:91'],
  },
  audit: {
    options: {
      event: 'only this kind of entry (LOGIN, LOGIN_FAILED, LOGIN_LOCKED, EXPORT, ...)',
      user: 'only entries of this portal user ID',
      since: 'only entries from this day on (YYYY-MM-DD, UTC)',
      limit: 'at most this many entries, the latest (default 100)',
      json: 'one JSON object per entry instead of the text columns',
    },
    examples: ['smt audit', 'smt audit --event LOGIN_FAILED --since 2026-12-01', 'smt audit --user demo-rep --json'],
  },
  'portal-user add': {
    options: {
      participant: 'the REP or TDSP the person works for, by its name in smt entity list',
      regulator: 'a regulatory user instead (the regulator is no market participant; give this or --participant)',
      'user-id': 'the login: 6 to 40 letters, digits or . _ - @ (compared without case)',
      email: 'the person\'s email address (password resets and user ID reminders go there)',
      'first-name': 'first name',
      'last-name': 'last name',
      admin: 'make the account its participant\'s (or the regulator\'s) portal administrator',
      'password-file': 'read the password from this file instead of asking twice (piped stdin is read too)',
    },
    examples: [
      'smt portal-user add --participant "Demo REP" --admin --user-id rep.admin --email admin@rep.example --first-name Ana --last-name Ruiz',
      'smt portal-user add --regulator --user-id puc.analyst --email analyst@puc.example --first-name Lee --last-name Park --password-file pw.txt',
    ],
  },
  'portal-user list': {
    options: {
      participant: 'only this REP\'s or TDSP\'s accounts',
      regulator: 'only the regulator\'s accounts',
      json: 'one JSON object per account instead of the text columns',
    },
    examples: ['smt portal-user list', 'smt portal-user list --participant "Demo REP" --json'],
  },
  'portal-user disable': { options: {}, examples: ['smt portal-user disable rep.admin'] },
  'han-log': {
    options: {
      duns: 'the REP\'s DUNS',
      from: `first message day (${DATE})`,
      to: `last message day (${DATE})`,
      esiid: 'only this ESI ID',
      'request-id': 'only this request',
      category: 'only this event category: PRM, LCE, CLE, CAL, STM or CSM',
      out: 'write the CSV to this file instead of stdout',
    },
    examples: ['smt han-log --duns 200000001 --from 2026-12-01 --to 2026-12-04 --out han-log.csv'],
  },
  vee: {
    options: {
      tdsp: 'only this TDSP\'s ESI IDs (its name or one of its DUNS)',
      day: `only this operating day (${DATE})`,
      rule: 'only this rule, by name or code: SUM_CHECK (V01), SPIKE_CHECK (V02), CONSECUTIVE_ZEROS (V03), HIGH_LOW_USAGE (V04), INACTIVE_USAGE (V05), PULSE_OVERFLOW (V06), ESTIMATED_SHARE (V07), TIME_CHANGE (V08)',
      file: 'only the findings on this ingest file (its id)',
      limit: 'at most this many (default 1000)',
      json: 'one JSON object per finding instead of CSV',
    },
    examples: ['smt vee --tdsp "Demo TDSP" --day 2026-11-01', 'smt vee --rule SUM_CHECK --json'],
  },
  'vee totals': {
    options: {
      from: `the first operating day (${DATE})`,
      to: `the last operating day (${DATE}); at most 400 days from --from`,
    },
    examples: ['smt vee totals --from 2026-10-01 --to 2026-11-04'],
  },
  'missing-consumption': {
    options: {
      tdsp: 'the TDSP (its name or one of its DUNS); one report per DUNS',
      day: `the report day (${DATE}); default today: it covers the 38 operating days before it`,
      write: 'write it to the TDSP\'s reports/ folder (MissingConsumption.<DUNS>.<yyyymmdd>.csv) instead of printing it',
    },
    examples: ['smt missing-consumption --tdsp "Demo TDSP"', 'smt missing-consumption --tdsp 100000001 --day 2026-12-04 --write'],
  },
  'data-gaps': {
    options: {
      rep: 'the REP (its name or one of its DUNS)',
      from: `first operating day (${DATE})`,
      to: `last operating day (${DATE})`,
      json: 'one JSON object per missing ESI ID-day instead of CSV',
    },
    examples: ['smt data-gaps --rep "Demo REP" --from 2026-11-01 --to 2026-11-30'],
  },
  stats: {
    options: {
      tdsp: 'only this TDSP (its name or one of its DUNS)',
      from: `first receipt day, Central Prevailing Time (${DATE}); default 6 days before --to`,
      to: `last receipt day (${DATE}); default today`,
      files: 'one line per file (received, loaded, load seconds, late) instead of per TDSP per day',
      json: 'one JSON object per line instead of CSV',
    },
    examples: ['smt stats', 'smt stats --tdsp "Demo TDSP" --from 2026-11-01 --to 2026-11-30 --files'],
  },
  estimate: {
    options: {
      tdsp: 'the TDSP (its name or one of its DUNS)',
      day: `the Missing Consumption Report's day (${DATE}); default today: the 38 days before it`,
      json: 'one JSON object per missing ESI ID-day instead of CSV',
    },
    examples: ['smt estimate --tdsp "Demo TDSP"', 'smt estimate --tdsp 100000001 --day 2026-12-04 --json'],
  },
  'extract subscribe': {
    options: { duns: 'the REP\'s or TDSP\'s DUNS (its participant needs a PGP key)' },
    examples: ['smt extract subscribe --duns 200000001'],
  },
  'extract unsubscribe': { options: { duns: 'the subscribed DUNS' }, examples: ['smt extract unsubscribe --duns 200000001'] },
  'extract list': { options: {}, examples: ['smt extract list'] },
  'extract run': {
    options: { day: `the extract day (${DATE}); default today: the records loaded 3 days before` },
    examples: ['smt extract run', 'smt extract run --day 2026-12-04'],
  },
  dispatches: {
    options: {
      state: 'only dispatches in this state (repeatable)',
      limit: 'at most this many (default 50)',
      json: 'print JSON instead of a table',
    },
    examples: ['smt dispatches', 'smt dispatches --state DEAD --json'],
  },
  'starter-kit': {
    options: {
      entity: 'the participant\'s name',
      out: 'the folder to write the kit to',
      duns: 'the DUNS the samples use (default: its first)',
      'server-ca': 'the CA the SOAP server\'s certificate chains to (default: the development CA)',
      p12: 'a PKCS#12 keystore to include',
      'p12-password': 'the keystore\'s password (with --verify: when the kit\'s soapUI project does not hold it)',
      verify: 'check the kit KIT_DIR instead: send every sample with its keystore, signed afresh, check each answer\'s signature; exit 1 if any failed',
      'skip-messages': 'with --verify: leave out the HAN message and load control samples, which reach devices in homes (use it when the samples name real customers)',
    },
    examples: ['smt starter-kit --entity "Demo REP" --out kit', 'smt starter-kit --verify kit'],
  },
  'mock-tdsp': {
    options: {
      port: 'the port to listen on (default SMT_MOCK_TDSP_PORT, 9443)',
      behaviour: 'a behaviour file (JSON) scripting the answers, e.g. fixtures/han/mock-behaviour.json',
      'tdsp-cert': 'the mock\'s server certificate (default: the development PKI\'s)',
      'tdsp-key': 'its key',
      'platform-client-cert': 'the certificate the platform calls with',
      'platform-signing-cert': 'the certificate the platform signs requests with',
      'platform-server-cert': 'the platform\'s server certificate (signs answers to callbacks)',
      ca: 'the CA client certificates chain to',
    },
    examples: ['smt mock-tdsp --port 9444 --behaviour fixtures/han/mock-behaviour.json'],
  },
  'db migrate': { options: {}, examples: ['smt db migrate'] },
  'keys export-public': { options: {}, examples: ['smt keys export-public > platform-public.asc'] },
};

const DATE_OPTIONS = new Set(['from', 'to', 'date']);

/** What `smt COMMAND --help` prints: usage, summary, one line per option, examples. */
export function commandHelp(command: Command): string {
  const help = HELP[command.name.join(' ')] ?? { options: {}, examples: [] };
  const names = Object.keys(command.options);
  const flags = names.map((n) => `--${n}${command.options[n]!.type === 'string' ? ' VALUE' : ''}`);
  const width = Math.max(0, ...flags.map((f) => f.length));
  const lines = [`Usage: smt ${command.usage}`, '', command.summary, ''];
  if (names.length > 0) {
    lines.push('Options:', ...names.map((n, i) => `  ${flags[i]!.padEnd(width)}  ${help.options[n] ?? ''}`.trimEnd()), '  --help' + ' '.repeat(Math.max(2, width - 4)) + 'this help', '');
  }
  if (names.some((n) => DATE_OPTIONS.has(n))) lines.push(DATES_NOTE, '');
  if (names.includes('duns') || names.includes('for')) lines.push(IDENTIFIERS_NOTE, '');
  if (help.examples.length > 0) lines.push(help.examples.length === 1 ? 'Example:' : 'Examples:', ...help.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

/** What `smt WORD --help` prints when WORD begins several commands (entity, pki, ...). */
export function groupHelp(word: string, group: Command[]): string {
  const width = Math.max(...group.map((c) => c.name.join(' ').length));
  return [
    `smt ${word}: ${group.length} command${group.length === 1 ? '' : 's'}`,
    '',
    ...group.map((c) => `  smt ${c.name.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    `smt ${word} <command> --help shows a command's options; e.g. smt ${group[0]!.name.join(' ')} --help`,
    '',
  ].join('\n');
}

/** For tests: the commands whose help text is written. */
export function hasHelp(command: Command): boolean {
  return HELP[command.name.join(' ')] !== undefined;
}
