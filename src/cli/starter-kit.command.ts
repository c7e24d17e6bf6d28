import fs from 'node:fs';
import path from 'node:path';
import { cptToday } from '../core/cpt';
import { SmtError } from '../core/errors';
import { daysWithData, esiidsServedBy } from '../registry/kit-samples.query';
import type { Participant } from '../registry/registry.service';
import { developmentPkiPaths } from '../security/dev-pki';
import { requiredOption, type Command } from './command';

const USAGE = 'starter-kit --entity NAME --out DIR [--duns DUNS] [--server-ca FILE.pem] [--p12 FILE.p12 [--p12-password P]]\n'
  + '       smt starter-kit --verify KIT_DIR [--p12-password P] [--skip-messages]   (sends every sample of the kit; exit 1 if any fails)';
/** ESI IDs a kit's samples name at most (SubmitUsageRequest and the HAN messages take them all). */
const SAMPLE_ESIIDS = 2;

/** Where the development setup keeps a demo participant's client files: <dataDir>/demo/<name, lowercased, spaces to dashes>. */
export function demoClientDir(dataDir: string, entityName: string): string {
  return path.join(dataDir, 'demo', entityName.trim().toLowerCase().replace(/\s+/g, '-'));
}

export const starterKitCommand: Command = {
  name: ['starter-kit'],
  summary: 'Write the soapUI starter kit for a participant: WSDLs/XSDs (MeterUsage and EsiIdData; HAN for a REP, TdspHan/TdspCallback for a TDSP), soapUI project, certificates and onboarding README; --verify KIT checks a kit against the platform',
  usage: USAGE,
  options: {
    entity: { type: 'string' },
    out: { type: 'string' },
    duns: { type: 'string' },
    'server-ca': { type: 'string' },
    p12: { type: 'string' },
    'p12-password': { type: 'string' },
    verify: { type: 'string' },
    'skip-messages': { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    if (typeof values.verify === 'string') {
      return verifyKit(path.resolve(values.verify), { p12Password: values['p12-password'] as string | undefined, skipMessages: values['skip-messages'] === true }, term);
    }
    const entityName = requiredOption(values, 'entity', starterKitCommand);
    const outDir = path.resolve(requiredOption(values, 'out', starterKitCommand));
    const registry = await app.registry();
    const participant = findParticipant(await registry.listParticipants(), entityName);
    const duns = chooseDuns(participant, values.duns);
    const serverCaPath = typeof values['server-ca'] === 'string' ? path.resolve(values['server-ca']) : developmentPkiPaths(app.config.dataDir).caCertPath;
    const serverCaPem = readServerCa(serverCaPath, values['server-ca'] === undefined);
    const keystore = findKeystore(app.config.dataDir, participant.name, values);

    // The samples use the entity's own ESI IDs (and the registered meter of the first), and end on the newest day with data.
    const db = await app.db();
    const today = cptToday();
    const served = await esiidsServedBy(db, participant.kind, duns, today, SAMPLE_ESIIDS);
    const dataDays = await daysWithData(db, served.map((e) => e.esiid), 10);

    const { writeStarterKit } = await import('../soap/starter-kit/starter-kit');
    const kit = await writeStarterKit({
      outDir, endpoint: `${app.config.soap.publicUrl}/MeterUsage`, entityName: participant.name, duns,
      requesterType: participant.kind === 'TDSP' ? 'TDSP' : 'ROR', serverCaPem, retentionDays: app.config.reports.retentionDays,
      sampleEsiids: served.map((e) => e.esiid), sampleMeterNumber: served[0]?.meterNumber ?? undefined, today, dataDays,
      ftpsUrl: app.config.ftps.publicUrl, demo: demoFiles(app.config.dataDir, participant.name, keystore), ...keystore,
    });
    app.logger.info('starter kit written', { entity: participant.name, duns, dir: kit.outDir, keystore: keystore.clientP12Path ?? null });
    const lines = [
      `Wrote the starter kit for ${participant.kind} "${participant.name}" (DUNS ${duns}) to ${kit.outDir}:`,
      ...kit.files.map((f) => `  ${f}`),
      `Endpoints (SMT_SOAP_PUBLIC_URL=${app.config.soap.publicUrl}, ${source('SMT_SOAP_PUBLIC_URL')}):`,
      ...Object.entries(kit.endpoints).flatMap(([service, url]) => (url === null ? [] : [`  ${service}: ${url}`])),
      `FTPS: ${app.config.ftps.publicUrl} (SMT_FTPS_PUBLIC_URL, ${source('SMT_FTPS_PUBLIC_URL')})`,
      ...(await addressCheck(kit.outDir, keystore)),
      `Check the kit against the running platform: smt starter-kit --verify ${kit.outDir}`,
      served.length === 0
        ? `"${participant.name}" has no ESI ID registered to DUNS ${duns}: the samples carry a placeholder ESI ID, marked in each.`
        : `Samples: ESI IDs ${served.map((e) => e.esiid).join(', ')}; ${dataDays.length > 0 ? `usage on ${dataDays.length} day(s), the newest ${dataDays[0]}` : 'no usage stored for them yet'}.`,
    ];
    if (!keystore.clientP12Path) {
      lines.push(`No client keystore was found (${path.join(demoClientDir(app.config.dataDir, participant.name), 'client.p12')}): put the participant's PKCS#12 file at certs/client.p12 in the kit, or pass --p12.`);
    } else if (kit.keystoreAlias === null) {
      lines.push('The keystore password is not known (or does not open it): the integrator enters it in the soapUI project (see README.md).');
    }
    lines.push('Next: open README.md in the kit.', '');
    term.out(lines.join('\n'));
    return 0;
  },
};

/** With the kit's keystore, asks the running platform which addresses it serves; without one, says the addresses come from this shell. */
async function addressCheck(kitDir: string, keystore: { clientP12Path?: string; p12Password?: string }): Promise<string[]> {
  const unchecked = 'These come from this shell\'s environment: if the platform runs with other settings, the kit names the wrong addresses.';
  if (!keystore.clientP12Path || keystore.p12Password === undefined) return [unchecked];
  try {
    const { checkKitAddresses } = await kitVerifier();
    const warnings = await checkKitAddresses(kitDir, { p12Password: keystore.p12Password, timeoutMs: 3000 });
    return warnings.length === 0 ? ['The running platform serves the same SOAP addresses (checked with the kit\'s keystore).'] : warnings.map((w) => `WARNING ${w}`);
  } catch {
    return [unchecked];
  }
}

/** The kit writer and verifier (XML signing, SOAP calls) are loaded by this command only: every other command starts without them. */
function kitVerifier(): Promise<typeof import('../soap/starter-kit/starter-kit.verify')> {
  return import('../soap/starter-kit/starter-kit.verify');
}

function source(setting: string): string {
  return process.env[setting]?.trim() ? 'from the environment' : 'the default: not set in this environment';
}

async function verifyKit(kitDir: string, options: { p12Password?: string; skipMessages: boolean }, term: Parameters<Command['run']>[2]): Promise<number> {
  const { checks, warnings } = await (await kitVerifier()).verifyStarterKit(kitDir, options);
  const width = Math.max(...checks.map((c) => `${c.service} ${c.operation}`.length));
  const lines = [
    ...warnings.map((w) => `WARNING ${w}`),
    ...checks.map((c) => `${c.skipped ? 'SKIP' : c.ok ? 'OK  ' : 'FAIL'} ${`${c.service} ${c.operation}`.padEnd(width)}  ${c.detail}`),
  ];
  const failed = checks.filter((c) => !c.ok).length;
  const sent = checks.filter((c) => !c.skipped).length;
  lines.push(failed === 0 ? `All ${sent} samples sent answered, every answer signed by the server.` : `${failed} of ${sent} samples failed.`, '');
  term.out(lines.join('\n'));
  return failed === 0 && checks.length > 0 ? 0 : 1;
}

/** A demo participant of the development setup (its keystore came from there): its FTPS password and PGP key go into the kit. */
function demoFiles(dataDir: string, entityName: string, keystore: { clientP12Path?: string }): { ftpsPassword: string | null; pgpPrivateKeyPath: string | null } | undefined {
  const dir = demoClientDir(dataDir, entityName);
  if (keystore.clientP12Path !== path.join(dir, 'client.p12')) return undefined;
  const file = (name: string) => (fs.existsSync(path.join(dir, name)) ? path.join(dir, name) : null);
  const password = file('ftp-password.txt');
  return { ftpsPassword: password ? fs.readFileSync(password, 'utf8').trim() : null, pgpPrivateKeyPath: file('pgp-private.asc') };
}

function findParticipant(participants: Participant[], name: string): Participant {
  const wanted = name.trim();
  const found = participants.find((p) => p.name === wanted) ?? participants.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const known = participants.map((p) => `"${p.name}"`).join(', ');
    throw new SmtError('NOT_FOUND', `No participant named "${wanted}"${known ? `; registered: ${known}` : ' (none registered yet: smt entity add)'}.`);
  }
  return found;
}

function chooseDuns(participant: Participant, given: unknown): string {
  if (typeof given !== 'string') return participant.duns[0]!;
  if (!participant.duns.includes(given)) {
    throw new SmtError('DUNS_NOT_OWNED', `DUNS ${given} is not one of "${participant.name}"'s (${participant.duns.join(', ')}).\nUsage: smt ${USAGE}`);
  }
  return given;
}

function readServerCa(file: string, isDefault: boolean): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    const hint = isDefault ? 'create the development PKI (smt pki init) or pass the CA of the server certificate with --server-ca FILE' : 'check the path';
    throw new SmtError('FILE_UNREADABLE', `No server CA certificate at ${file}: ${hint}.`, { file });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new SmtError('INPUT_INVALID', `${file} holds no PEM certificate.`, { file });
  return pem;
}

/** --p12 (with --p12-password), or the development setup's keystore and password file for the participant. */
function findKeystore(dataDir: string, entityName: string, values: Record<string, unknown>): { clientP12Path?: string; p12Password?: string } {
  const password = typeof values['p12-password'] === 'string' ? values['p12-password'] : undefined;
  if (typeof values.p12 === 'string') {
    const file = path.resolve(values.p12);
    if (!fs.existsSync(file)) throw new SmtError('FILE_UNREADABLE', `No keystore at ${file}.`, { file });
    return { clientP12Path: file, p12Password: password };
  }
  const dir = demoClientDir(dataDir, entityName);
  const demo = path.join(dir, 'client.p12');
  if (!fs.existsSync(demo)) return {};
  const passwordFile = path.join(dir, 'p12-password.txt');
  const stored = fs.existsSync(passwordFile) ? fs.readFileSync(passwordFile, 'utf8').trim() : undefined;
  return { clientP12Path: demo, p12Password: password ?? stored };
}
