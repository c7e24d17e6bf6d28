import fs from 'node:fs';
import path from 'node:path';
import { SmtError } from '../core/errors';
import type { Participant } from '../registry/registry.service';
import { developmentPkiPaths } from '../security/dev-pki';
import { writeStarterKit } from '../soap/starter-kit';
import { DEFAULT_SAMPLE_ESIID } from '../soap/starter-kit.samples';
import { requiredOption, type Command } from './command';

const USAGE = 'starter-kit --entity NAME --out DIR [--duns DUNS] [--server-ca FILE.pem] [--p12 FILE.p12 [--p12-password P]]';

/** Where the development setup keeps a demo participant's client files: <dataDir>/demo/<name, lowercased, spaces to dashes>. */
export function demoClientDir(dataDir: string, entityName: string): string {
  return path.join(dataDir, 'demo', entityName.trim().toLowerCase().replace(/\s+/g, '-'));
}

export const starterKitCommand: Command = {
  name: ['starter-kit'],
  summary: 'Write the soapUI starter kit for a participant: WSDLs/XSDs (MeterUsage; HAN for a REP, TdspHan/TdspCallback for a TDSP), soapUI project, certificates and onboarding README',
  usage: USAGE,
  options: {
    entity: { type: 'string' },
    out: { type: 'string' },
    duns: { type: 'string' },
    'server-ca': { type: 'string' },
    p12: { type: 'string' },
    'p12-password': { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const entityName = requiredOption(values, 'entity', starterKitCommand);
    const outDir = path.resolve(requiredOption(values, 'out', starterKitCommand));
    const registry = await app.registry();
    const participant = findParticipant(await registry.listParticipants(), entityName);
    const duns = chooseDuns(participant, values.duns);
    const serverCaPath = typeof values['server-ca'] === 'string' ? path.resolve(values['server-ca']) : developmentPkiPaths(app.config.dataDir).caCertPath;
    const serverCaPem = readServerCa(serverCaPath, values['server-ca'] === undefined);
    const keystore = findKeystore(app.config.dataDir, participant.name, values);

    // ProvisionHanDevice names the meter of the sample ESI ID: the registered one when the registry knows it.
    const sampleMeterNumber = (await registry.getEsiid(DEFAULT_SAMPLE_ESIID))?.meterNumber ?? undefined;

    const kit = await writeStarterKit({
      outDir, endpoint: `${app.config.soap.publicUrl}/MeterUsage`, entityName: participant.name, duns,
      requesterType: participant.kind === 'TDSP' ? 'TDSP' : 'ROR', serverCaPem, retentionDays: app.config.reports.retentionDays,
      sampleEsiids: [DEFAULT_SAMPLE_ESIID], sampleMeterNumber, ...keystore,
    });
    app.logger.info('starter kit written', { entity: participant.name, duns, dir: kit.outDir, keystore: keystore.clientP12Path ?? null });
    const lines = [
      `Wrote the starter kit for ${participant.kind} "${participant.name}" (DUNS ${duns}) to ${kit.outDir}:`,
      ...kit.files.map((f) => `  ${f}`),
      'Endpoints (under SMT_SOAP_PUBLIC_URL):',
      ...Object.entries(kit.endpoints).flatMap(([service, url]) => (url === null ? [] : [`  ${service}: ${url}`])),
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
