import path from 'node:path';
import { FAULT_NAMESPACE, FAULT_TABLE } from '../fault-table';
import { HAN_OPERATIONS } from '../han.types';
import type { KitEndpoints } from './starter-kit.endpoints';
import { ESIID_DATA_OPERATIONS } from '../esiid-data.types';
import { ESIID_DATA_KIT_FILES, HAN_KIT_FILES, KIT_FILES, SAMPLE_DIRS, TDSP_KIT_FILES } from './starter-kit.files';
import { OUTGOING_WSS, SIGNING } from './starter-kit.soapui';
import { stockToolsSection, tdspUploadSection, type StockToolsInput } from './starter-kit.stock-tools';
import { TDSP_CALLBACK_OPERATIONS, TDSP_HAN_OPERATIONS } from '../tdsp-han.types';

/** The starter kit's README: what each file is, the onboarding steps, the soapUI project, HAN (or a TDSP's side of it) and the faults. */

export interface ReadmeInput extends Omit<StockToolsInput, 'endpoint' | 'tdsp'> {
  entityName: string;
  duns: string;
  /** HAN set: a REP's kit; TdspCallback set: a TDSP's. */
  endpoints: KitEndpoints;
  keystoreIncluded: boolean;
  keystorePasswordKnown: boolean;
  keystoreAlias: string | null;
  /** Days delivered files stay in the FTPS folder (SMT_RETENTION_DAYS). */
  retentionDays?: number;
}

export function readme(input: ReadmeInput): string {
  const { HAN: han, TdspCallback: callback } = input.endpoints;
  const stock: StockToolsInput = { ...input, endpoint: input.endpoints.MeterUsage, tdsp: callback !== null };
  const services = han ? 'MeterUsage, EsiIdData and HAN SOAP services' : 'MeterUsage and EsiIdData SOAP services';
  return `# SMT starter kit: ${input.entityName}

Everything needed to call the ${services} as **${input.entityName}** (DUNS ${input.duns}) from soapUI
or any SOAP 1.1 client.

| File | What it is |
|---|---|
| \`${KIT_FILES.wsdl}\`, \`${KIT_FILES.xsd}\`, \`${KIT_FILES.faultXsd}\` | The MeterUsage contract (WSDL 1.1, document/literal; the first XSD defines every message, the second the fault detail). |
| \`${ESIID_DATA_KIT_FILES.wsdl}\`, \`${ESIID_DATA_KIT_FILES.xsd}\` | The EsiIdData contract: ESI ID data services and the data-gap report (same fault detail). |
${han ? `| \`${HAN_KIT_FILES.wsdl}\`, \`${HAN_KIT_FILES.xsd}\` | The HAN contract (same fault detail). |\n` : ''}${callback ? `| \`${TDSP_KIT_FILES.tdspHanWsdl}\`, \`${TDSP_KIT_FILES.callbackWsdl}\`, \`${TDSP_KIT_FILES.xsd}\` | Your side of HAN: the service you implement and the one you call back (see below). |\n` : ''}| \`${KIT_FILES.project}\` | soapUI project: endpoints, one sample request per operation, WS-Security and TLS keystore set up. |
| \`${SAMPLE_DIRS.MeterUsage}/*.xml\`, \`${SAMPLE_DIRS.EsiIdData}/*.xml\`${han ? `, \`${SAMPLE_DIRS.HAN}/*.xml\`` : ''} | The same sample requests as plain SOAP envelopes (unsigned: your client adds WS-Security). |
| \`${KIT_FILES.serverCa}\` | The CA certificate of the server's TLS certificate and response signatures: trust it. |
| \`${KIT_FILES.keystore}\` | ${input.keystoreIncluded ? 'Your client certificate and private key (PKCS#12), for TLS and for signing.' : 'Not included: put your PKCS#12 keystore (client certificate and key) here under this name.'} |

Endpoint: \`${input.endpoints.MeterUsage}\` (its WSDL: \`${input.endpoints.MeterUsage}?wsdl\`). EsiIdData: \`${input.endpoints.EsiIdData}\`.${han ? ` HAN: \`${han}\`.` : ''}
FTPS site (explicit TLS): \`${input.ftpsUrl}\`, your folders under \`/${input.duns}/\`.

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
1. File > Import Project > \`${KIT_FILES.project}\`: interfaces MeterUsageBinding, EsiIdDataBinding${han ? ' and HANBinding' : ''}.
2. Project > WS-Security Configurations > Keystores: \`${path.posix.basename(KIT_FILES.keystore)}\` must show status OK.${input.keystorePasswordKnown ? '' : ' Enter the keystore password there and in the Signature entry of the outgoing configuration.'}${input.keystoreAlias === null ? ' Pick your key\'s alias in the Signature entry.' : ` The key alias is \`${input.keystoreAlias}\`.`}
3. Each sample request uses the outgoing configuration "${OUTGOING_WSS}" (Timestamp, then Signature) and the same
   keystore for TLS (request property "SSL Keystore").
4. Send **SubmitUsageRequest**: the answer carries a \`correlationId\` and the ESI IDs you may not see (\`notAuthorized\`).
   Put the correlation id into **GetUsageRequestStatus** and send it until \`statusCode\` is \`0\`; the files are then
   in your FTPS folder \`${input.ftpsUrl}/${input.duns}/adhoc/\`, kept ${input.retentionDays ?? 10} days, named
   \`<Report><yyyyMMddHHmmss><seq>.CSV.<DUNS>.asc\` (PGP-encrypted zip of the CSV): download and decrypt them as shown under
   "With stock tools".
5. **GetIntervalUsage** (up to 40 days), **GetDailyReads** (1200 days) and **GetMonthlyUsage** (24 months) answer
   at once for one ESI ID; larger ranges are refused with \`RANGE_TOO_LARGE\`: use SubmitUsageRequest.
${input.ownEsiids.length > 0 ? `The samples use your ESI IDs ${input.ownEsiids.join(', ')}.` : 'The samples carry a placeholder ESI ID: replace it where its comment says so.'}

${stockToolsSection(stock)}${esiidDataSection(input.endpoints.EsiIdData)}${han ? hanSection(han) : ''}${callback ? tdspUploadSection(stock) + tdspSection(callback) : ''}
${faultsSection()}`;
}

function esiidDataSection(endpoint: string): string {
  return `
## EsiIdData: ESI ID data services and the data-gap report
Endpoint \`${endpoint}\` (WSDL: \`${endpoint}?wsdl\`); contract \`${ESIID_DATA_KIT_FILES.wsdl}\` with \`${ESIID_DATA_KIT_FILES.xsd}\`; samples in
\`${SAMPLE_DIRS.EsiIdData}/\` and in the project's EsiIdDataBinding. Same certificate, signing and DUNS as MeterUsage; every answer
covers only your ESI IDs (a REP's on the days it was REP of record, a TDSP's in its territory).
Operations: ${Object.keys(ESIID_DATA_OPERATIONS).join(', ')}.
- **GetTradeDateIntervalData**: interval data of one trade date; up to 10 ESI IDs in the answer, 11 to 50,000 as a report
  request (\`statusCode\` PEN and a \`correlationId\` to poll with GetUsageRequestStatus; the file comes like any report).
- **GetEsiidsWithoutIntervalData**: your ESI IDs with no consumption loaded for a trade date, up to 5000 per answer;
  while the answer has \`nextAfterEsiid\`, send it back as \`afterEsiid\`.
- **RequestOwnedIntervalData**: one report request of every ESI ID you own in a range (at most 50,000).
- **GetDataGaps**: your ESI IDs' days without consumption in a range of at most 31 days, \`NEVER_RECEIVED\` or
  \`REJECTED\` with the load's result code and file, up to 200 ESI IDs per answer (paged as above).
`;
}

function hanSection(endpoint: string): string {
  return `
## HAN: in-home devices and Smart Energy messages
Endpoint \`${endpoint}\` (WSDL: \`${endpoint}?wsdl\`); contract \`${HAN_KIT_FILES.wsdl}\` with \`${HAN_KIT_FILES.xsd}\`; samples in
\`${SAMPLE_DIRS.HAN}/\` and in the project's HANBinding. Same certificate, signing and DUNS as MeterUsage; you must be the REP
of record of each ESI ID today.
Operations: ${Object.keys(HAN_OPERATIONS).join(', ')}.
- **Provisioning is asynchronous.** GetMeterInfo gives the \`meterNumber\` and whether the meter takes HAN devices.
  ProvisionHanDevice answers at once with a \`requestId\` and \`Add Acknowledged\`; the TDSP then reports \`Add Pending\`,
  \`Meter Ready\`, \`Device Added\` (or \`Add Rejected\` / \`Add Failed\` with a reason): poll GetHanDeviceDetails, or
  GetHanDeviceHistory for every device of the ESI ID (at most 5). Deprovisioning runs alike (\`Remove Acknowledged\` ...).
- **Messages** (text, load control, price and their cancellations, up to 10,000 ESI IDs) reach only devices in
  \`Device Added\`; each answers a \`requestId\` (the Cancel samples need it) and the ESI IDs without such a device.
- **GetHanMessageLog** (MM/DD/YYYY days, at most 366) lists every status of your messages per ESI ID and device:
  \`RQA\` accepted, \`ACK\` acknowledged, \`PEN\` pending, \`STR\` started, \`CON\` confirmed, \`OPT\` opted out, \`FLR\` failed.
The sample MAC and install code are examples (and so is the meter number where the comment says to replace it): see the comment above each in the samples.
`;
}

function tdspSection(callbackEndpoint: string): string {
  return `
## HAN: the TDSP side
TDSPs do not call the HAN service; REPs do, and the platform passes their requests on to you. Your contract is
\`${TDSP_KIT_FILES.tdspHanWsdl}\`, the service you implement (device provisioning and Smart Energy messages for your meters;
tell the operators its address), and \`${TDSP_KIT_FILES.callbackWsdl}\`, the service you call back with the statuses
at \`${callbackEndpoint}\`. Both use \`${TDSP_KIT_FILES.xsd}\` and the same mutual TLS and signing as MeterUsage, both ways.
- **TdspHan** (you implement it; the platform calls it): ${Object.keys(TDSP_HAN_OPERATIONS).join(', ')}. Answer each call at once
  (acknowledge it), then report the outcome through TdspCallback. The platform's requests are signed with its TDSP signing
  certificate and arrive with its client certificate: ask the operators for both, and trust nothing else. Sign your answers.
- **TdspCallback** (you call it, signed as above): ${Object.keys(TDSP_CALLBACK_OPERATIONS).join(', ')}: the device statuses
  (\`Add Pending\`, \`Meter Ready\`, \`Device Added\`, \`Add Rejected\`/\`Add Failed\` with a reason, and alike for removals) and the
  message statuses (\`ACK\`, \`PEN\`, \`STR\`, \`CON\`, \`OPT\`, \`FLR\`).
- **A reference implementation:** \`smt mock-tdsp\` runs the platform's mock TDSP, which implements TdspHan and calls back.
`;
}

function faultsSection(): string {
  const clientCodes = Object.entries(FAULT_TABLE).filter(([, e]) => e.faultcode === 'soap:Client');
  return `## Faults
Every error is a SOAP 1.1 fault (HTTP 500) whose detail is an \`smtFault\` element in namespace \`${FAULT_NAMESPACE}\`
(\`${KIT_FILES.faultXsd}\`): \`code\` (stable: program against it), \`message\` (what to change), and your \`trans_id\`.
\`soap:Server\` faults carry code \`INTERNAL\` and a \`correlationId\`: quote it to the operators.

| Code | faultstring |
|---|---|
${clientCodes.map(([code, entry]) => `| \`${code}\` | ${entry.faultstring} |`).join('\n')}
| \`INTERNAL\` | ${FAULT_TABLE.INTERNAL.faultstring} |
`;
}
