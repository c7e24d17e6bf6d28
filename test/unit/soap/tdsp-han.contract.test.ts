import { expect } from 'chai';
import * as soap from 'soap';
import { asArray, contractPath } from '../../../src/soap/contract';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import {
  TDSP_CALLBACK_OPERATIONS, TDSP_CALLBACK_WSDL_FILE, TDSP_HAN_ENUMERATIONS, TDSP_HAN_MESSAGE_FIELDS, TDSP_HAN_NAMESPACE,
  TDSP_HAN_OPERATIONS, TDSP_HAN_WSDL_FILE, TDSP_HAN_XSD_FILE, type DeliverTextMessage,
} from '../../../src/soap/tdsp-han.types';
import { describeContract, sampleXml, type SampleValue } from '../../support/contract-drift';
import { validateAgainstXsd } from '../../support/xsd-validate';

const ESIID = '10443720000000001';
const MAC = '00124B0001A2B3C4';
const TIME = '2025-07-13T11:00:00Z';
const CALLBACK = 'https://smt.example.com:8443/TdspCallback';
const head = (requestId: string): Record<string, SampleValue> => ({
  requestId, esiid: ESIID, meterNumber: '123456789LG', macAddress: [MAC, '00124B0001A2B3C5'], payloadHex: '0A0B0C0D', callbackAddress: CALLBACK,
});
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
  ReportMessageStatus: {
    requestId: 'R-5', esiid: ESIID, meterSerialNumber: '123456789LG', macAddress: MAC, statusCode: 'OPT', statusDescription: 'opted out', statusTime: TIME,
  },
  ReportMessageStatusResponse: { requestId: 'R-5', recorded: 'true' },
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
      ['DeliverTextMessage', { macAddress: [] }, /macAddress|payloadHex/],
      ['DeliverTextMessage', { payloadHex: '0A0' }, /payloadHex/],
      ['DeliverTextMessage', { importance: undefined }, /importance|confirmationRequired/],
      ['DeliverLoadControlEvent', { durationMinutes: '1441' }, /durationMinutes/],
      ['DeliverLoadControlEvent', { mandatory: undefined }, /mandatory|Missing child/],
      ['ReportDeviceStatus', { deviceStatus: 'Provisioned' }, /deviceStatus/],
      ['ReportMessageStatus', { statusCode: 'RQA' }, /statusCode/],
    ];
    for (const [element, changes, field] of refused) {
      const result = validateAgainstXsd(variant(element, changes));
      expect(result.valid, `${element} ${JSON.stringify(changes)}`).to.equal(false);
      expect(result.errors, element).to.match(field);
    }
  });
});

describe('TDSP HAN contract: as node-soap hands a request to a TDSP', () => {
  it('gives the devices addressed through asArray, whether one or several', async () => {
    const client = await soap.createClientAsync(contractPath(TDSP_HAN_WSDL_FILE));
    const parse = (fields: Record<string, SampleValue>) => (client.wsdl.xmlToObject(
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${sampleXml(TDSP_HAN_NAMESPACE, 'DeliverTextMessage', fields)}</s:Body></s:Envelope>`,
    ) as { Body: { DeliverTextMessage: DeliverTextMessage } }).Body.DeliverTextMessage;
    expect(asArray(parse(SAMPLES.DeliverTextMessage).macAddress)).to.deep.equal([MAC, '00124B0001A2B3C5']);
    const one = parse({ ...SAMPLES.DeliverTextMessage, macAddress: MAC });
    expect(asArray(one.macAddress)).to.deep.equal([MAC]);
    expect(one.confirmationRequired).to.equal('true');
  });
});
