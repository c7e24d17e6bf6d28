/**
 * A complete MeterUsage client, as a REP's back office would write it with node-soap: mutual TLS
 * with the REP's client certificate, every request signed (WS-Security: Timestamp, BinarySecurityToken,
 * RSA-SHA256 over Body and Timestamp). Runs against `npm start` with the demo REP's files.
 *   npm run example:soap [-- --data DIR --url URL --esiid 10443720000000001 --from 07/01/2025 --to 07/01/2025]
 * The platform is found through the settings smt serve reads (SMT_DATA_DIR, SMT_SOAP_PORT, SMT_SOAP_PUBLIC_URL).
 */
import { parseArgs } from 'node:util';
import { demoRepClient, describeFailure } from './lib/demo-soap-client';
import { addressHelp, platformAddress } from './lib/platform-address';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      url: { type: 'string' },
      esiid: { type: 'string', default: '10443720000000001' },
      from: { type: 'string', default: '07/01/2025' },
      to: { type: 'string', default: '07/01/2025' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(['npm run example:soap [-- OPTIONS]: SubmitUsageRequest, GetUsageRequestStatus until done, GetDailyReads, as the demo REP', ...addressHelp('MeterUsage'),
      '  --esiid X    the ESI ID (default 10443720000000001)', '  --from D --to D   the days, MM/DD/YYYY (default 07/01/2025)'].join('\n'));
    return;
  }
  const address = platformAddress(process.env, { data: values.data });
  const { client, call } = await demoRepClient(address.dataDir, values.url ?? `${address.soapUrl}/MeterUsage`);

  const [submitted] = await client.SubmitUsageRequestAsync({
    trans_id: 'example-1', requestorID: 'demo-rep', requesterType: 'ROR', requesterAuthenticationID: '200000001',
    reportType: 'INTERVAL', startDate: values.from, endDate: values.to, version: 'L', readingType: 'C', esiid: [values.esiid],
  }, call);
  console.log('SubmitUsageRequest:', submitted);

  let status = { statusCode: 'PEN' } as Record<string, unknown>;
  while (status.statusCode === 'PEN' || status.statusCode === 'PRC' || status.statusCode === 'PUB') {
    await new Promise((resolve) => setTimeout(resolve, 500));
    [status] = await client.GetUsageRequestStatusAsync({ trans_id: 'example-2', requestorID: 'demo-rep', correlationId: submitted.correlationId }, call);
  }
  console.log('GetUsageRequestStatus:', status);

  const [daily] = await client.GetDailyReadsAsync({
    trans_id: 'example-3', requestorID: 'demo-rep', requesterAuthenticationID: '200000001', esiid: values.esiid, startDate: values.from, endDate: values.to,
  }, call);
  console.log('GetDailyReads:', JSON.stringify(daily, null, 2));
}

main().catch((error) => {
  console.error(`example failed: ${describeFailure(error)}`);
  process.exitCode = 1;
});
