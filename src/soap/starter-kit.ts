import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';
import { addDays, cptToday } from '../core/cpt';
import { usDate } from '../usage/report-format';
import { contractPath, fieldName } from './contract';
import { FAULT_NAMESPACE, FAULT_TABLE, FAULT_XSD_FILE } from './fault-table';
import {
  MESSAGE_FIELDS, METER_USAGE_NAMESPACE, METER_USAGE_OPERATIONS, METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE,
  type MeterUsageOperation, type RequesterType,
} from './meter-usage.types';

/**
 * The soapUI starter kit an integrator gets at onboarding: the contract, a soapUI project with one
 * sample request per operation and WS-Security set up as the server expects it, the certificates,
 * and a README with the steps. Sample requests are valid against the XSD (checked by a test).
 */

export interface StarterKitOptions {
  outDir: string;
  /** The MeterUsage endpoint, e.g. https://smt.example.com:8443/MeterUsage */
  endpoint: string;
  entityName: string;
  /** The DUNS the samples act for (requesterAuthenticationID). */
  duns: string;
  /** ROR for a REP, TDSP for a TDSP. */
  requesterType?: RequesterType;
  /** The entity's client certificate and key as PKCS#12; copied into the kit when given. */
  clientP12Path?: string;
  p12Password?: string;
  /** The CA certificate the server's TLS certificate (and response signatures) chain to. */
  serverCaPem: string;
  /** ESI IDs for the samples; defaults to one placeholder. */
  sampleEsiids?: string[];
  /** YYYY-MM-DD: the samples ask for days before this one (default: today in Central Prevailing Time). */
  today?: string;
  /** Days delivered files stay in the FTPS folder (SMT_RETENTION_DAYS), for the README. */
  retentionDays?: number;
}

export interface StarterKit {
  outDir: string;
  /** Paths relative to outDir, in the order written. */
  files: string[];
  operations: MeterUsageOperation[];
  /** The sample SOAP envelope of each operation, as in the project and in requests/. */
  samples: Record<MeterUsageOperation, string>;
  /** The key alias found in the keystore, when it could be opened. */
  keystoreAlias: string | null;
}

export const KIT_FILES = {
  wsdl: `wsdl/${METER_USAGE_WSDL_FILE}`,
  xsd: `wsdl/${METER_USAGE_XSD_FILE}`,
  /** Imported by the MeterUsage schema: the smtFault detail of every fault. */
  faultXsd: `wsdl/${FAULT_XSD_FILE}`,
  project: 'soapui-project.xml',
  serverCa: 'certs/server-ca.pem',
  keystore: 'certs/client.p12',
  readme: 'README.md',
} as const;

export const SIGNING = {
  signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  timestampSeconds: 300,
} as const;

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const OUTGOING_WSS = 'SMT signed request';
const PLACEHOLDER_ESIID = '10443720000000001';
const PLACEHOLDER_CORRELATION_ID = '00000000-0000-0000-0000-000000000000';
const PRIVATE = 0o600;
const PUBLIC = 0o644;

export async function writeStarterKit(options: StarterKitOptions): Promise<StarterKit> {
  const outDir = path.resolve(options.outDir);
  const files: string[] = [];
  const write = async (relative: string, content: string | Buffer, mode: number) => {
    const file = path.join(outDir, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content, { mode });
    await fs.chmod(file, mode);
    files.push(relative);
  };

  const wsdl = withEndpoint(await fs.readFile(contractPath(METER_USAGE_WSDL_FILE), 'utf8'), options.endpoint);
  const xsd = await fs.readFile(contractPath(METER_USAGE_XSD_FILE), 'utf8');
  const faultXsd = await fs.readFile(contractPath(FAULT_XSD_FILE), 'utf8');
  const samples = sampleRequests(options);
  const keystore = options.clientP12Path ? await fs.readFile(options.clientP12Path) : null;
  const keystoreAlias = keystore && options.p12Password !== undefined ? pkcs12Alias(keystore, options.p12Password) : null;

  await write(KIT_FILES.wsdl, wsdl, PUBLIC);
  await write(KIT_FILES.xsd, xsd, PUBLIC);
  await write(KIT_FILES.faultXsd, faultXsd, PUBLIC);
  for (const [operation, xml] of Object.entries(samples)) await write(`requests/${operation}.xml`, xml, PUBLIC);
  await write(KIT_FILES.serverCa, options.serverCaPem.endsWith('\n') ? options.serverCaPem : `${options.serverCaPem}\n`, PUBLIC);
  if (keystore) await write(KIT_FILES.keystore, keystore, PRIVATE);
  // The project holds the keystore password when it is known: owner-only, like the keystore.
  await write(KIT_FILES.project, soapUiProject({ ...options, wsdl, xsd, faultXsd, samples, keystoreAlias }), PRIVATE);
  await write(KIT_FILES.readme, readme({ ...options, keystoreIncluded: keystore !== null, keystoreAlias }), PUBLIC);
  return { outDir, files, operations: Object.keys(samples) as MeterUsageOperation[], samples, keystoreAlias };
}

/** One sample request per operation, for the given entity; every operation must have one. */
export function sampleRequests(options: Pick<StarterKitOptions, 'entityName' | 'duns' | 'requesterType' | 'sampleEsiids' | 'today'>): Record<MeterUsageOperation, string> {
  const yesterday = addDays(options.today ?? cptToday(), -1);
  const esiids = options.sampleEsiids && options.sampleEsiids.length > 0 ? options.sampleEsiids : [PLACEHOLDER_ESIID];
  const caller = { requestorID: requestorId(options.entityName) };
  const single = (operation: string, days: number) => ({
    trans_id: `${operation}-0001`, ...caller, requesterAuthenticationID: options.duns, esiid: esiids[0],
    startDate: usDate(addDays(yesterday, 1 - days)), endDate: usDate(yesterday), version: 'L', readingType: 'C',
  });
  return {
    SubmitUsageRequest: envelope('SubmitUsageRequest', {
      trans_id: 'SubmitUsageRequest-0001', ...caller, requesterType: options.requesterType ?? 'ROR', requesterAuthenticationID: options.duns,
      reportType: 'INTERVAL', startDate: usDate(addDays(yesterday, -6)), endDate: usDate(yesterday), version: 'L', readingType: 'C', esiid: esiids,
    }),
    GetUsageRequestStatus: envelope('GetUsageRequestStatus', {
      trans_id: 'GetUsageRequestStatus-0001', ...caller, correlationId: PLACEHOLDER_CORRELATION_ID,
    }),
    GetIntervalUsage: envelope('GetIntervalUsage', single('GetIntervalUsage', 7)),
    GetDailyReads: envelope('GetDailyReads', single('GetDailyReads', 30)),
    GetMonthlyUsage: envelope('GetMonthlyUsage', single('GetMonthlyUsage', 90)),
  } satisfies Record<MeterUsageOperation, string>;
}

/** A request envelope with the fields in schema order; a field the schema does not have is a programming error. */
function envelope(element: string, values: Record<string, string | string[]>): string {
  const fields = MESSAGE_FIELDS[element]!.map(fieldName);
  const unknown = Object.keys(values).filter((name) => !fields.includes(name));
  if (unknown.length > 0) throw new Error(`${element} has no field ${unknown.join(', ')}`);
  const lines = fields.flatMap((name) => [values[name] ?? []].flat().map((v) => `         <mu:${name}>${escapeXml(v)}</mu:${name}>`));
  return [
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:mu="${METER_USAGE_NAMESPACE}">`,
    '   <soapenv:Header/>',
    '   <soapenv:Body>',
    `      <mu:${element}>`,
    ...lines,
    `      </mu:${element}>`,
    '   </soapenv:Body>',
    '</soapenv:Envelope>',
    '',
  ].join('\n');
}

function requestorId(entityName: string): string {
  return entityName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'integration-test';
}

/** The copied WSDL names the endpoint the integrator calls instead of the placeholder. */
function withEndpoint(wsdl: string, endpoint: string): string {
  return wsdl.replace(/(<soap:address location=")[^"]*(")/, `$1${escapeXml(endpoint)}$2`);
}

/** The alias soapUI lists for the keystore's key: its friendlyName. null when the keystore cannot be opened. */
function pkcs12Alias(p12: Buffer, password: string): string | null {
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
    const bags = forge.pkcs12.pkcs12FromAsn1(asn1, password).getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
    return bags.flatMap((bag) => bag.attributes.friendlyName ?? [])[0] ?? null;
  } catch {
    return null;
  }
}

interface ProjectInput extends StarterKitOptions {
  wsdl: string;
  xsd: string;
  faultXsd: string;
  samples: Record<MeterUsageOperation, string>;
  keystoreAlias: string | null;
}

/** A soapUI 5 project: one WsdlInterface with the contract cached inline, a sample call per operation, WS-Security and the TLS keystore. */
export function soapUiProject(input: ProjectInput): string {
  const keystoreLabel = path.posix.basename(KIT_FILES.keystore);
  const password = escapeXml(input.p12Password ?? '');
  const alias = escapeXml(input.keystoreAlias ?? '');
  const endpoint = escapeXml(input.endpoint);
  const operations = (Object.keys(METER_USAGE_OPERATIONS) as MeterUsageOperation[]).map((name) => `
    <con:operation id="${randomUUID()}" isOneWay="false" action="${METER_USAGE_NAMESPACE}/${name}" name="${name}" bindingOperationName="${name}" type="Request-Response" inputName="" receivesAttachments="false" sendsAttachments="false" anonymous="optional">
      <con:settings/>
      <con:call id="${randomUUID()}" name="Sample ${name}" outgoingWss="${OUTGOING_WSS}" sslKeystore="${keystoreLabel}">
        <con:settings/>
        <con:encoding>UTF-8</con:encoding>
        <con:endpoint>${endpoint}</con:endpoint>
        <con:request>${cdata(input.samples[name])}</con:request>
        <con:credentials><con:authType>No Authorization</con:authType></con:credentials>
        <con:jmsConfig JMSDeliveryMode="PERSISTENT"/>
        <con:jmsPropertyConfig/>
        <con:wsaConfig mustUnderstand="NONE" version="200508" action="${METER_USAGE_NAMESPACE}/${name}"/>
        <con:wsrmConfig version="1.2"/>
      </con:call>
    </con:operation>`).join('');
  const part = (name: string, ns: string) => escapeXml(
    `<xml-fragment xmlns:con="http://eviware.com/soapui/config"><con:entry key="id" value=""/><con:entry key="name" value="${name}"/><con:entry key="namespace" value="${ns}"/><con:entry key="enc" value="Element"/></xml-fragment>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<con:soapui-project xmlns:con="http://eviware.com/soapui/config" id="${randomUUID()}" name="${escapeXml(`SMT MeterUsage - ${input.entityName}`)}" resourceRoot="\${projectDir}" soapui-version="5.7.0" abortOnError="false" runType="SEQUENTIAL" activeEnvironment="Default">
  <con:description>${escapeXml(`MeterUsage starter kit for ${input.entityName} (DUNS ${input.duns}). See README.md.`)}</con:description>
  <con:settings/>
  <con:interface xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="con:WsdlInterface" id="${randomUUID()}" wsaVersion="NONE" name="MeterUsageBinding" type="wsdl" bindingName="{${METER_USAGE_NAMESPACE}}MeterUsageBinding" soapVersion="1_1" anonymous="optional" definition="${KIT_FILES.wsdl}">
    <con:settings/>
    <con:definitionCache type="TEXT" rootPart="${KIT_FILES.wsdl}">
      <con:part><con:url>${KIT_FILES.wsdl}</con:url><con:content>${cdata(input.wsdl)}</con:content><con:type>http://schemas.xmlsoap.org/wsdl/</con:type></con:part>
      <con:part><con:url>${KIT_FILES.xsd}</con:url><con:content>${cdata(input.xsd)}</con:content><con:type>http://www.w3.org/2001/XMLSchema</con:type></con:part>
      <con:part><con:url>${KIT_FILES.faultXsd}</con:url><con:content>${cdata(input.faultXsd)}</con:content><con:type>http://www.w3.org/2001/XMLSchema</con:type></con:part>
    </con:definitionCache>
    <con:endpoints><con:endpoint>${endpoint}</con:endpoint></con:endpoints>${operations}
  </con:interface>
  <con:properties/>
  <con:wssContainer>
    <con:crypto>
      <con:source>${KIT_FILES.keystore}</con:source>
      <con:password>${password}</con:password>
      <con:type>KEYSTORE</con:type>
      <con:defaultAlias>${alias}</con:defaultAlias>
      <con:aliasPassword>${password}</con:aliasPassword>
    </con:crypto>
    <con:outgoing>
      <con:name>${OUTGOING_WSS}</con:name>
      <con:entry type="Timestamp"><con:configuration><timeToLive>${SIGNING.timestampSeconds}</timeToLive><strictTimestamp>true</strictTimestamp></con:configuration></con:entry>
      <con:entry type="Signature" username="${alias}" password="${password}"><con:configuration><crypto>${keystoreLabel}</crypto><keyIdentifierType>1</keyIdentifierType><signatureAlgorithm>${SIGNING.signatureAlgorithm}</signatureAlgorithm><signatureCanonicalization>${SIGNING.canonicalization}</signatureCanonicalization><useSingleCert>true</useSingleCert><prependSignature>false</prependSignature><digestAlgorithm>${SIGNING.digestAlgorithm}</digestAlgorithm><customTokenValueType/><customTokenId/><signaturePart>${part('Body', SOAP_ENV)}</signaturePart><signaturePart>${part('Timestamp', WSU)}</signaturePart></con:configuration></con:entry>
    </con:outgoing>
  </con:wssContainer>
</con:soapui-project>
`;
}

interface ReadmeInput extends StarterKitOptions {
  keystoreIncluded: boolean;
  keystoreAlias: string | null;
}

function readme(input: ReadmeInput): string {
  const clientCodes = Object.entries(FAULT_TABLE).filter(([, e]) => e.faultcode === 'soap:Client');
  return `# MeterUsage starter kit: ${input.entityName}

Everything needed to call the MeterUsage SOAP service as **${input.entityName}** (DUNS ${input.duns}) from soapUI
or any SOAP 1.1 client.

| File | What it is |
|---|---|
| \`${KIT_FILES.wsdl}\`, \`${KIT_FILES.xsd}\`, \`${KIT_FILES.faultXsd}\` | The contract (WSDL 1.1, document/literal; the first XSD defines every message, the second the fault detail). |
| \`${KIT_FILES.project}\` | soapUI project: endpoint, one sample request per operation, WS-Security and TLS keystore set up. |
| \`requests/*.xml\` | The same sample requests as plain SOAP envelopes (unsigned: your client adds WS-Security). |
| \`${KIT_FILES.serverCa}\` | The CA certificate of the server's TLS certificate and response signatures: trust it. |
| \`${KIT_FILES.keystore}\` | ${input.keystoreIncluded ? 'Your client certificate and private key (PKCS#12), for TLS and for signing.' : 'Not included: put your PKCS#12 keystore (client certificate and key) here under this name.'} |

Endpoint: \`${input.endpoint}\` (its WSDL: \`${input.endpoint}?wsdl\`).

## Onboarding steps
1. **Certificate.** Every calling machine needs a client TLS certificate whose CN matches the calling host. For
   testing, the platform's development CA issues one (\`smt pki issue --cn HOST --out DIR\`); for production, use a
   certificate from a CA the operators accept. Send the certificate (never the key) to the operators, who register it
   to your entity. The same certificate signs your messages unless you register a separate signing certificate.
2. **IP addresses.** Tell the operators the public IP addresses you call from; calls from other addresses are refused
   (\`AUTH_IP_NOT_REGISTERED\`).
3. **PGP key.** Report files are encrypted to your OpenPGP public key (ASCII-armored). GnuPG 2.2 keys work: RSA or
   Curve25519, version 4; DSA and ElGamal keys are refused.
4. **DUNS.** Every request acts for one of your entity's DUNS numbers in \`requesterAuthenticationID\`
   (the samples use ${input.duns}).
5. **Signing settings.** Every request carries a WS-Security header with
   - a \`wsu:Timestamp\` (the server accepts a ${SIGNING.timestampSeconds / 60}-minute window; keep your clock in sync),
   - an XML signature with **RSA-SHA256** (\`${SIGNING.signatureAlgorithm}\`),
     **SHA-256** digests (\`${SIGNING.digestAlgorithm}\`) and **exclusive c14n** (\`${SIGNING.canonicalization}\`),
   - covering the **Body** and the **Timestamp**,
   - with your certificate as a **BinarySecurityToken** (X.509 v3) referenced from the signature's KeyInfo.
   A message is accepted once: a replayed signature is refused (\`WSS_REPLAY\`). Responses are signed by the server.

## Using the soapUI project
1. File > Import Project > \`${KIT_FILES.project}\`.
2. Project > WS-Security Configurations > Keystores: \`${path.posix.basename(KIT_FILES.keystore)}\` must show status OK.${input.p12Password === undefined ? ' Enter the keystore password there and in the Signature entry of the outgoing configuration.' : ''}${input.keystoreAlias === null ? ' Pick your key\'s alias in the Signature entry.' : ` The key alias is \`${input.keystoreAlias}\`.`}
3. Each sample request uses the outgoing configuration "${OUTGOING_WSS}" (Timestamp, then Signature) and the same
   keystore for TLS (request property "SSL Keystore").
4. Send **SubmitUsageRequest**: the answer carries a \`correlationId\` and the ESI IDs you may not see (\`notAuthorized\`).
   Put the correlation id into **GetUsageRequestStatus** and send it until \`statusCode\` is \`0\`; the files are then
   in your FTPS folder \`/<DUNS>/adhoc/\`, kept ${input.retentionDays ?? 10} days, named \`<Report><yyyyMMddHHmmss><seq>.CSV.<DUNS>.asc\`
   (PGP-encrypted zip of the CSV): \`gpg --decrypt FILE > report.zip\`.
5. **GetIntervalUsage** (up to 40 days), **GetDailyReads** (1200 days) and **GetMonthlyUsage** (24 months) answer
   at once for one ESI ID; larger ranges are refused with \`RANGE_TOO_LARGE\`: use SubmitUsageRequest.
The sample dates are recent days; replace the ESI IDs with your own.

## Faults
Every error is a SOAP 1.1 fault (HTTP 500) whose detail is an \`smtFault\` element in namespace \`${FAULT_NAMESPACE}\`
(\`${KIT_FILES.faultXsd}\`): \`code\` (stable: program against it), \`message\` (what to change), and your \`trans_id\`.
\`soap:Server\` faults carry code \`INTERNAL\` and a \`correlationId\`: quote it to the operators.

| Code | faultstring |
|---|---|
${clientCodes.map(([code, entry]) => `| \`${code}\` | ${entry.faultstring} |`).join('\n')}
| \`INTERNAL\` | ${FAULT_TABLE.INTERNAL.faultstring} |
`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
