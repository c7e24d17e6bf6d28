import { expect } from 'chai';
import * as soap from 'soap';
import { asArray, contractPath } from '../../../src/soap/contract';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import {
  TDSP_CALLBACK_OPERATIONS, TDSP_CALLBACK_WSDL_FILE, TDSP_HAN_ENUMERATIONS, TDSP_HAN_MESSAGE_FIELDS, TDSP_HAN_NAMESPACE,
  TDSP_HAN_OPERATIONS, TDSP_HAN_WSDL_FILE, TDSP_HAN_XSD_FILE, TDSP_MESSAGE_STATUSES_PER_CALL, TDSP_MESSAGE_TARGETS_PER_CALL,
  type DeliverTextMessage, type ReportMessageStatus,
} from '../../../src/soap/tdsp-han.types';
import { describeContract, sampleXml, type SampleValue } from '../../support/contract-drift';
import { validateAgainstXsd } from '../../support/xsd-validate';

const ESIID = '10443720000000001';
const ESIID_2 = '10443720000000002';
const MAC = '00124B0001A2B3C4';
const MAC_2 = '00124B0001A2B3C5';
const TIME = '2025-07-13T11:00:00Z';
const CALLBACK = 'https://smt.example.com:8443/TdspCallback';
const target = (esiid: string, ...macAddress: string[]): Record<string, SampleValue> => ({
  esiid, meterNumber: `M${esiid.slice(-4)}`, macAddress: macAddress.length === 1 ? macAddress[0] : macAddress,
});
/** Two targets: one with two devices, one with a single device (sent as one element, which node-soap must still hand over as an array). */
const TARGETS = [target(ESIID, MAC, MAC_2), target(ESIID_2, MAC)];
const head = (requestId: string, targets: SampleValue = TARGETS): Record<string, SampleValue> => ({
  requestId, target: targets, payloadHex: '0A0B0C0D', callbackAddress: CALLBACK,
});
const STATUS = { esiid: ESIID, meterSerialNumber: 'M0001', macAddress: MAC, statusCode: 'OPT', statusDescription: 'opted out', statusTime: TIME };
/** A meter-level status: no macAddress, no description. */
const METER_STATUS = { esiid: ESIID_2, meterSerialNumber: 'M0002', statusCode: 'ACK', statusTime: TIME };
const answer = { requestId: 'R-1', accepted: 'true' };

/** One valid sample of every top-level element of tdsp-han.xsd, fields in schema order. */
const SAMPLES: Record<string, Record<string, SampleValue>> = {
  ProvisionDevice: {
    requestId: 'R-1', esiid: ESIID, meterNumber: '123456789LG', meterFirmwareVersion: '4.1.7', macAddress: MAC,
    installCode: '83FED3407A939723A5C639B26916D505C3B5', deviceDescription: 'Thermostat', callbackAddress: CALLBACK,
  },
  ProvisionDeviceResponse: answer,
  DeprovisionDevice: { requestId: 'R-2', esiid: ESIID, meterNumber: '123456789LG', macAddress: MAC, callbackAddress: CALLBACK },
  DeprovisionDeviceResponse: { requestId: 'R-2', accepted: 'false', reason: 'no such device on the meter' },
  DeliverTextMessage: {
    ...head('R-3'), messageId: '7', text: 'Peak prices today', startTime: TIME, durationMinutes: '60', importance: 'LOW',
    confirmationRequired: 'true', transmissionMode: 'NORMAL',
  },
  DeliverTextMessageResponse: answer,
  CancelTextMessage: { ...head('R-3'), messageCancellationId: 'R-4', messageId: '7' },
  CancelTextMessageResponse: answer,
  DeliverLoadControlEvent: {
    ...head('R-5'), issuerEventId: '17', deviceClass: '3', utilityEnrollmentGroup: '0', startTime: TIME, durationMinutes: '120', criticality: '7',
    coolingTemperatureOffset: '2.5', heatingTemperatureOffset: '1.5', coolingTemperatureSetPoint: '26.5', heatingTemperatureSetPoint: '18',
    averageLoadAdjustmentPercentage: '-50', dutyCycle: '50', randomizeStart: 'false', randomizeEnd: 'true', mandatory: 'true',
  },
  DeliverLoadControlEventResponse: answer,
  CancelLoadControlEvent: {
    ...head('R-5'), messageCancellationId: 'R-6', issuerEventId: '17', deviceClass: '3', utilityEnrollmentGroup: '0', randomizeEnd: 'false', effectiveTime: TIME,
  },
  CancelLoadControlEventResponse: answer,
  CancelAllLoadControlEvents: { ...head('R-7'), messageCancellationId: 'R-8', randomizeEnd: 'true' },
  CancelAllLoadControlEventsResponse: answer,
  DeliverPriceMessage: {
    ...head('R-9'), providerId: '100', rateLabel: 'TOU Peak', issuerEventId: '18', unitOfMeasure: '0', currency: '840', trailingDigits: '3',
    priceTier: '2', numberOfPriceTiers: '3', startTime: TIME, durationMinutes: '60', price: '1234', priceRatio: '1.5', generationPrice: '99',
  },
  DeliverPriceMessageResponse: answer,
  ReportDeviceStatus: { requestId: 'R-1', esiid: ESIID, macAddress: MAC, deviceStatus: 'Add Failed', statusTime: TIME, reason: 'meter firmware too old' },
  ReportDeviceStatusResponse: { requestId: 'R-1', recorded: 'true', applied: 'false' },
  ReportMessageStatus: { requestId: 'R-5', status: [STATUS, METER_STATUS] },
  ReportMessageStatusResponse: { requestId: 'R-5', recorded: '2' },
};

describeContract({
  title: 'TDSP HAN',
  namespace: TDSP_HAN_NAMESPACE,
  xsdFile: TDSP_HAN_XSD_FILE,
  messageFields: TDSP_HAN_MESSAGE_FIELDS,
  imports: { [FAULT_NAMESPACE]: FAULT_XSD_FILE },
  enumerations: TDSP_HAN_ENUMERATIONS,
  wireText: true,
  samples: SAMPLES,
  wsdls: [{
    file: TDSP_HAN_WSDL_FILE,
    operations: TDSP_HAN_OPERATIONS,
    service: 'TdspHan',
    port: 'TdspHanPort',
    binding: 'TdspHanBinding',
    address: 'https://localhost:9443/TdspHan',
  }, {
    file: TDSP_CALLBACK_WSDL_FILE,
    operations: TDSP_CALLBACK_OPERATIONS,
    service: 'TdspCallback',
    port: 'TdspCallbackPort',
    binding: 'TdspCallbackBinding',
    address: 'https://localhost:8443/TdspCallback',
  }],
});

function variant(element: string, changes: Record<string, SampleValue | undefined>): string {
  const fields = Object.fromEntries(Object.entries({ ...SAMPLES[element], ...changes }).filter(([, v]) => v !== undefined)) as Record<string, SampleValue>;
  return sampleXml(TDSP_HAN_NAMESPACE, element, fields);
}

describe('TDSP HAN contract: refusals by tdsp-han.xsd (xmllint)', () => {
  it('refuses what the schema rules out', () => {
    const refused: Array<[string, Record<string, SampleValue | undefined>, RegExp]> = [
      ['ProvisionDevice', { installCode: '************C3B5' }, /installCode/],
      ['ProvisionDevice', { callbackAddress: undefined }, /callbackAddress/],
      ['DeliverTextMessage', { target: [] }, /target|payloadHex/],
      ['DeliverTextMessage', { target: [{ ...TARGETS[0] as object, macAddress: [] }] }, /macAddress|Missing child/],
      ['DeliverTextMessage', { target: [{ macAddress: MAC, esiid: ESIID, meterNumber: 'M0001' }] }, /macAddress|esiid/],
      ['DeliverPriceMessage', { target: Array.from({ length: TDSP_MESSAGE_TARGETS_PER_CALL + 1 }, (_, i) => target(String(10443720000000000 + i), MAC)) }, /target|payloadHex/],
      ['DeliverTextMessage', { payloadHex: '0A0' }, /payloadHex/],
      ['DeliverTextMessage', { importance: undefined }, /importance|confirmationRequired/],
      ['DeliverLoadControlEvent', { durationMinutes: '1441' }, /durationMinutes/],
      ['DeliverLoadControlEvent', { mandatory: undefined }, /mandatory|Missing child/],
      ['ReportDeviceStatus', { deviceStatus: 'Provisioned' }, /deviceStatus/],
      ['ReportMessageStatus', { status: [METER_STATUS, { ...STATUS, statusCode: 'RQA' }] }, /statusCode/],
      ['ReportMessageStatus', { status: [] }, /status|Missing child/],
      ['ReportMessageStatus', { status: Array.from({ length: TDSP_MESSAGE_STATUSES_PER_CALL + 1 }, () => METER_STATUS) }, /status/],
      ['ReportMessageStatusResponse', { recorded: 'true' }, /recorded/],
      ['ReportMessageStatusResponse', { recorded: String(TDSP_MESSAGE_STATUSES_PER_CALL + 1) }, /recorded/],
    ];
    for (const [element, changes, field] of refused) {
      const result = validateAgainstXsd(variant(element, changes));
      expect(result.valid, `${element} ${JSON.stringify(changes)}`).to.equal(false);
      expect(result.errors, element).to.match(field);
    }
  });
});

describe('TDSP HAN contract: the batch limits', () => {
  it('accepts exactly as many targets and statuses per call as the constants say (xmllint)', () => {
    const targets = Array.from({ length: TDSP_MESSAGE_TARGETS_PER_CALL }, (_, i) => target(String(10443720000000000 + i), MAC));
    expect(validateAgainstXsd(variant('DeliverLoadControlEvent', { target: targets })).errors).to.equal('');
    const statuses = Array.from({ length: TDSP_MESSAGE_STATUSES_PER_CALL }, () => METER_STATUS);
    expect(validateAgainstXsd(variant('ReportMessageStatus', { status: statuses })).errors).to.equal('');
    expect(validateAgainstXsd(variant('ReportMessageStatusResponse', { recorded: String(TDSP_MESSAGE_STATUSES_PER_CALL) })).errors).to.equal('');
  });
});

/** A sample parsed as node-soap's server parses a request before calling the service method. */
async function parsedBy<T>(wsdlFile: string, element: string, fields: Record<string, SampleValue>): Promise<T> {
  const client = await soap.createClientAsync(contractPath(wsdlFile));
  const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${sampleXml(TDSP_HAN_NAMESPACE, element, fields)}</s:Body></s:Envelope>`;
  return (client.wsdl.xmlToObject(envelope) as { Body: Record<string, T> }).Body[element];
}

describe('TDSP HAN contract: as node-soap hands a request to a TDSP', () => {
  const parse = (fields: Record<string, SampleValue>) => parsedBy<DeliverTextMessage>(TDSP_HAN_WSDL_FILE, 'DeliverTextMessage', fields);

  it('gives the targets as an array, whether one or several, each with its devices as an array', async () => {
    const several = await parse(SAMPLES.DeliverTextMessage);
    expect(several.target).to.deep.equal([
      { esiid: ESIID, meterNumber: 'M0001', macAddress: [MAC, MAC_2] },
      { esiid: ESIID_2, meterNumber: 'M0002', macAddress: [MAC] },
    ]);
    const one = await parse({ ...SAMPLES.DeliverTextMessage, target: target(ESIID, MAC) });
    expect(one.target).to.deep.equal([{ esiid: ESIID, meterNumber: 'M0001', macAddress: [MAC] }]);
    expect(asArray(one.target).flatMap((t) => asArray(t.macAddress))).to.deep.equal([MAC]);
    expect(one.confirmationRequired).to.equal('true');
  });

  it('validates nothing: an empty target arrives as null, a missing one as no key', async () => {
    expect((await parse({ ...SAMPLES.DeliverTextMessage, target: {} })).target).to.deep.equal([null]);
    const { target: _omitted, ...withoutTargets } = SAMPLES.DeliverTextMessage;
    expect(await parse(withoutTargets)).to.not.have.property('target');
  });
});

describe('TDSP HAN contract: as node-soap hands a status report to the platform', () => {
  const parse = (fields: Record<string, SampleValue>) => parsedBy<ReportMessageStatus>(TDSP_CALLBACK_WSDL_FILE, 'ReportMessageStatus', fields);

  it('gives the statuses as an array, whether one or several', async () => {
    expect((await parse(SAMPLES.ReportMessageStatus)).status).to.deep.equal([STATUS, METER_STATUS]);
    expect((await parse({ requestId: 'R-5', status: METER_STATUS })).status).to.deep.equal([METER_STATUS]);
  });
});
