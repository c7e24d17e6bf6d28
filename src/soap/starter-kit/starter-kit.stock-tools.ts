import { usDate } from '../../usage/report-format';
import { KIT_FILES } from './starter-kit.files';

/**
 * The README's stock-tool path (openssl, curl, gpg), the days that hold data, and a TDSP's LSE upload.
 * Every command sits alone on its line in a ```sh block, runnable as written once the variables set
 * above it hold their values (a test runs them in order).
 */

export interface StockToolsInput {
  duns: string;
  /** MeterUsage endpoint. */
  endpoint: string;
  /** SMT_FTPS_PUBLIC_URL. */
  ftpsUrl: string;
  /** A demo kit: the development setup's participant, whose passwords the README may carry. */
  demo: { p12Password: string | null; ftpsPassword: string | null; pgpKeyFile: string | null } | null;
  tdsp: boolean;
  /** The sample ESI IDs when they are the entity's own; empty: the samples carry a placeholder. */
  ownEsiids: string[];
  /** YYYY-MM-DD, newest first. */
  dataDays: string[];
  /** YYYY-MM-DD: when the kit was written. */
  writtenOn: string;
}

export const REPORT_FILE_PLACEHOLDER = 'REPORT_FILE';
export const LSE_FILE_PLACEHOLDER = 'LSE_FILE';
export const CORRELATION_ID_PLACEHOLDER = 'CORRELATION_ID';

export function stockToolsSection(input: StockToolsInput): string {
  const { demo } = input;
  const p12 = demo?.p12Password
    ? `export P12_PASSWORD='${demo.p12Password}'`
    : "export P12_PASSWORD='the password delivered with your keystore'";
  const ftps = demo?.ftpsPassword
    ? `export FTPS_PASSWORD='${demo.ftpsPassword}'`
    : "export FTPS_PASSWORD='your FTPS password'";
  const login = `--ssl-reqd --cacert ${KIT_FILES.serverCa} --user "${input.duns}:$FTPS_PASSWORD"`;
  const folder = `${input.ftpsUrl}/${input.duns}/${input.tdsp ? 'reports' : 'adhoc'}/`;
  return `## With stock tools: openssl, curl, gpg
**Keystore password.** ${demo?.p12Password
    ? `This is a development kit: the password of \`${KIT_FILES.keystore}\` is \`${demo.p12Password}\` (also in the soapUI project).`
    : 'Not in this kit: the operators deliver it with your keystore, over another channel than the kit (or you chose it when you made the keystore yourself).'}

**FTPS login.** User \`${input.duns}\` (or your entity's name); ${demo?.ftpsPassword
    ? `password \`${demo.ftpsPassword}\` (development kit).`
    : 'the password the operators set (`smt entity set-password`) and deliver separately.'}

1. Turn the keystore into the PEM files curl and most SOAP libraries want (OpenSSL 3):
\`\`\`sh
${p12}
openssl pkcs12 -in ${KIT_FILES.keystore} -passin env:P12_PASSWORD -clcerts -nokeys -out certs/client.crt
openssl pkcs12 -in ${KIT_FILES.keystore} -passin env:P12_PASSWORD -nocerts -nodes -out certs/client.key
\`\`\`
2. Check mutual TLS: this prints the WSDL, whose \`soap:address\` must be \`${input.endpoint}\`:
\`\`\`sh
curl --cacert ${KIT_FILES.serverCa} --cert certs/client.crt --key certs/client.key "${input.endpoint}?wsdl"
\`\`\`
3. Send the samples signed (see "Signing settings"): with soapUI (below), or with zeep (Debian \`python3-zeep\`
   \`python3-xmlsec\`) through \`${KIT_FILES.zeepScript}\`, which signs a sample, sends it over mutual TLS with the PEM files
   above, checks that the answer is signed by a certificate of \`${KIT_FILES.serverCa}\`'s CA, and prints it
   (\`NAME=VALUE\` replaces a field). Where the platform's CLI is at hand, \`smt starter-kit --verify KIT_DIR\` sends every sample
   (with \`--skip-messages\` when the samples name real customers: the message samples reach their devices).
\`\`\`sh
python3 ${KIT_FILES.zeepScript} requests/SubmitUsageRequest.xml
python3 ${KIT_FILES.zeepScript} requests/GetUsageRequestStatus.xml correlationId=${CORRELATION_ID_PLACEHOLDER}
\`\`\`
${input.tdsp ? '' : `4. Once GetUsageRequestStatus answers \`statusCode\` 0 with a \`fileName\`, list your folder and download the file over FTPS
   (explicit TLS: \`--ssl-reqd\`; the data connection resumes the control connection's TLS session, which curl does):
\`\`\`sh
${ftps}
curl ${login} ${folder}
curl ${login} -o ${REPORT_FILE_PLACEHOLDER} ${folder}${REPORT_FILE_PLACEHOLDER}
\`\`\`
5. Decrypt it with your PGP private key (the one whose public key the operators registered) and unzip the CSV:
\`\`\`sh
gpg --batch --import ${demo?.pgpKeyFile ?? 'your-pgp-private-key.asc'}
gpg --batch --output report.zip --decrypt ${REPORT_FILE_PLACEHOLDER}
unzip report.zip
\`\`\`
`}
${dataDaysSection(input)}`;
}

function dataDaysSection(input: StockToolsInput): string {
  if (input.ownEsiids.length === 0) {
    return `**Which days hold data.** No ESI ID was registered to you when this kit was written (${input.writtenOn}): the samples carry
the placeholder ESI ID marked in each of them. Replace it with one of yours; days with data are those your TDSP's files covered.
`;
  }
  const ids = input.ownEsiids.join(', ');
  if (input.dataDays.length === 0) {
    return `**Which days hold data.** When this kit was written (${input.writtenOn}) the platform held no usage for the sample ESI IDs
(${ids}): the usage samples ask for the days before that and answer without rows until the TDSP's files for those days are
loaded. On a development platform, the sample LSE files load 07/01/2025 for the demo ESI IDs and 07/14/2025-07/17/2025 for
10443720000000001 (\`smt ingest --for "Demo TDSP" fixtures/lse\`); then write the kit again, or change the samples' dates.
`;
  }
  const days = input.dataDays.map(usDate).join(', ');
  return `**Which days hold data.** When this kit was written (${input.writtenOn}) the platform held usage for the sample ESI IDs
(${ids}) on ${days}${input.dataDays.length >= 10 ? ' and earlier days' : ''}. The usage samples end on ${usDate(input.dataDays[0]!)}.
`;
}

/** A TDSP's side of the FTPS site: uploading LSE files and collecting activity reports. */
export function tdspUploadSection(input: StockToolsInput): string {
  const login = `--ssl-reqd --cacert ${KIT_FILES.serverCa} --user "${input.duns}:$FTPS_PASSWORD"`;
  const ftps = input.demo?.ftpsPassword ? `export FTPS_PASSWORD='${input.demo.ftpsPassword}'` : "export FTPS_PASSWORD='your FTPS password'";
  return `
## Your LSE files: upload over FTPS, activity reports
Upload each LSE file (plain \`.lse\`, zipped, or PGP-encrypted to the platform's key: \`smt keys export-public\` at the operators)
to your inbound folder; the platform loads it at once and writes an activity report (one result code per record) to your
\`reports/\` folder. Uploads are bound to the uploader: every record's **Sender** must be one of your own DUNS (${input.duns}
here); a record naming another sender is refused with code \`09\`. A file keeps its name only when its upload completed, and an
existing name is never overwritten: give each file a new name (\`<DUNS>IntervalData<yyyyMMddHHmmss><seq>.lse\`).
\`\`\`sh
${ftps}
curl ${login} -T ${LSE_FILE_PLACEHOLDER} ${input.ftpsUrl}/${input.duns}/inbound/
curl ${login} ${input.ftpsUrl}/${input.duns}/reports/
curl ${login} -o activity-report.txt ${input.ftpsUrl}/${input.duns}/reports/${REPORT_FILE_PLACEHOLDER}
\`\`\`
Activity reports, like report files, stay in the folder for the retention period; files you upload are moved away once loaded.
`;
}
