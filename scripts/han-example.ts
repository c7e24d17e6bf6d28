/**
 * A REP's HAN client with node-soap: provisions an in-home device on a demo ESI ID, follows it to
 * Device Added as the mock TDSP reports each status, reads the meter and the device's history, then
 * sends the device a text message and a load control event and prints the HAN messaging log.
 * Runs against `npm start` (which runs the mock TDSP as the demo TDSP).
 *   npm run example:han [-- --data DIR --url URL --esiid 10443720000000001 --mac 00124B0001A2B3C4]
 * The platform is found through the settings smt serve reads (SMT_DATA_DIR, SMT_SOAP_PORT, SMT_SOAP_PUBLIC_URL).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cptToday } from '../src/core/cpt';
import { appendInstallCodeCrc } from '../src/han/install-code';
import { usDate } from '../src/usage/report-format';
import { demoRepClient, describeFailure } from './lib/demo-soap-client';
import { addressHelp, platformAddress } from './lib/platform-address';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      url: { type: 'string' },
      esiid: { type: 'string', default: '10443720000000001' },
      mac: { type: 'string', default: `00124B${randomBytes(5).toString('hex').toUpperCase()}` },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(['npm run example:han [-- OPTIONS]: a HAN device provisioned on a demo meter, a text message, a load control event, the messaging log', ...addressHelp('HAN'),
      '  --esiid X    the ESI ID (default 10443720000000001)', '  --mac M      the device\'s MAC address (default: a random one)'].join('\n'));
    return;
  }
  const address = platformAddress(process.env, { data: values.data });
  const { client, call } = await demoRepClient(address.dataDir, values.url ?? `${address.soapUrl}/HAN`);
  const head = { requestorID: 'demo-rep', requesterAuthenticationID: '200000001' };

  const [meter] = await client.GetMeterInfoAsync({ trans_id: 'han-1', ...head, esiid: values.esiid }, call);
  console.log('GetMeterInfo:', meter);

  const installCode = appendInstallCodeCrc(randomBytes(8).toString('hex').toUpperCase());
  const [provisioned] = await client.ProvisionHanDeviceAsync({
    trans_id: 'han-2', ...head, esiid: values.esiid, meterNumber: meter.meterNumber, macAddress: values.mac, installCode, deviceDescription: 'demo thermostat',
  }, call);
  console.log('ProvisionHanDevice:', provisioned);

  let status = provisioned.deviceStatus as string;
  for (let i = 0; i < 60 && !['Device Added', 'Add Rejected', 'Add Failed'].includes(status); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [details] = await client.GetHanDeviceDetailsAsync({ trans_id: 'han-3', ...head, esiid: values.esiid, macAddress: values.mac }, call);
    if (details.device.deviceStatus !== status) console.log(`  ${details.device.statusTime}  ${status} -> ${details.device.deviceStatus}`);
    status = details.device.deviceStatus;
  }
  const [details] = await client.GetHanDeviceDetailsAsync({ trans_id: 'han-4', ...head, esiid: values.esiid, macAddress: values.mac }, call);
  console.log('GetHanDeviceDetails:', JSON.stringify(details, null, 2));
  if (status !== 'Device Added') return;

  const [text] = await client.SendTextMessageAsync({
    trans_id: 'han-5', ...head, esiid: [values.esiid], text: 'Peak prices 4-7 pm: pre-cool now', durationMinutes: 180, importance: 'HIGH', confirmationRequired: true,
  }, call);
  console.log('SendTextMessage:', text);
  const [event] = await client.SendLoadControlEventAsync({
    trans_id: 'han-6', ...head, esiid: [values.esiid], deviceClass: 1, durationMinutes: 120, criticality: 3, coolingTemperatureOffset: '2.0', randomizeStart: true,
  }, call);
  console.log('SendLoadControlEvent:', event);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const today = usDate(cptToday());
  const [log] = await client.GetHanMessageLogAsync({ trans_id: 'han-7', ...head, startDate: today, endDate: today, esiid: values.esiid }, call);
  console.log('GetHanMessageLog (this ESI ID, today):');
  for (const e of [log.entry ?? []].flat()) console.log(`  ${e.StatusTimestamp}  ${e.EventCategoryID}  ${e.StatusCode}  ${e.DeviceMACAddr ?? '(ESI ID)'.padEnd(16)}  ${e.StatusDesc ?? ''}`);
}

main().catch((error) => {
  console.error(`example failed: ${describeFailure(error)}`);
  process.exitCode = 1;
});
