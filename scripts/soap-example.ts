/**
 * A complete MeterUsage client, as a REP's back office would write it with node-soap: mutual TLS
 * with the REP's client certificate, every request signed (WS-Security: Timestamp, BinarySecurityToken,
 * RSA-SHA256 over Body and Timestamp). Runs against `npm start` with the demo REP's files.
 *   npm run example:soap [-- --data var --esiid 10443720000000001 --from 07/01/2025 --to 07/01/2025]
 */
import { parseArgs } from 'node:util';
import { demoRepClient, describeFailure } from './lib/demo-soap-client';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'var' },
      url: { type: 'string', default: 'https://localhost:8443/MeterUsage' },
      esiid: { type: 'string', default: '10443720000000001' },
      from: { type: 'string', default: '07/01/2025' },
      to: { type: 'string', default: '07/01/2025' },
    },
  });
  const { client, call } = await demoRepClient(values.data!, values.url!);

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
