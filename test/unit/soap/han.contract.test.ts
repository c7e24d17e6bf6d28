import { expect } from 'chai';
import * as soap from 'soap';
import { asArray, contractPath } from '../../../src/soap/contract';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import {
  HAN_ENUMERATIONS, HAN_MESSAGE_FIELDS, HAN_NAMESPACE, HAN_OPERATIONS, HAN_WSDL_FILE, HAN_XSD_FILE, type SendTextMessage,
} from '../../../src/soap/han.types';
import { describeContract, sampleXml, type SampleValue } from '../../support/contract-drift';
import { validateAgainstXsd } from '../../support/xsd-validate';

const ESIID = '10443720000000001';
const MAC = '00124B0001A2B3C4';
const HEAD = { trans_id: 'T-1', requestorID: 'rep-ops', requesterAuthenticationID: '123456789' };
const TIME = '2025-07-13T11:00:00Z';
const event = (status: string, source: string, applied: string): SampleValue => ({
  requestId: 'R-1', deviceStatus: status, statusTime: TIME, recordedTime: '2025-07-13T11:00:01.250Z', source, applied,
});

/** One valid sample of every top-level element of han.xsd, fields in schema order. */
const SAMPLES: Record<string, Record<string, SampleValue>> = {
  ProvisionHanDevice: {
    ...HEAD, esiid: ESIID, meterNumber: '123456789LG', macAddress: MAC, installCode: '83FED3407A932B70', deviceDescription: 'Kitchen in-home display',
  },
  ProvisionHanDeviceResponse: { trans_id: 'T-1', requestId: 'R-1', macAddress: MAC, deviceStatus: 'Add Acknowledged' },
  DeprovisionHanDevice: { ...HEAD, esiid: ESIID, macAddress: 'abcdef0123456789' },
  DeprovisionHanDeviceResponse: { trans_id: 'T-1', requestId: 'R-2', macAddress: MAC, deviceStatus: 'Remove Acknowledged' },
  GetHanDeviceDetails: { ...HEAD, esiid: ESIID, macAddress: MAC },
  GetHanDeviceDetailsResponse: {
    trans_id: 'T-1',
    device: {
      macAddress: MAC, installCode: '************2B70', meterNumber: '123456789LG', deviceStatus: 'Device Added', statusTime: TIME,
      history: [event('Add Acknowledged', 'REP', 'true'), event('Device Added', 'TDSP', 'true'), { ...(event('Add Pending', 'TDSP', 'false') as object), reason: 'out of order' }],
    },
  },
  GetHanDeviceHistory: { ...HEAD, esiid: ESIID },
  GetHanDeviceHistoryResponse: {
    trans_id: 'T-1', esiid: ESIID,
    entry: [{ macAddress: MAC, ...(event('Add Acknowledged', 'REP', 'true') as object) }, { macAddress: MAC, deviceStatus: 'Device Removed', statusTime: TIME, recordedTime: TIME, source: 'PLATFORM', applied: '1', reason: 'meter exchanged' }],
  },
  GetMeterInfo: { ...HEAD, esiid: ESIID },
  GetMeterInfoResponse: {
    trans_id: 'T-1', esiid: ESIID, meterNumber: '123456789LG', tdspDuns: '1039940674000', tdspName: 'Demo TDSP',
    meterHardwareVersion: 'G2', meterFirmwareVersion: '4.1.7', hanCapable: 'YES', hanCapabilityReason: 'firmware 4.1.7 supports HAN provisioning',
  },
  SendTextMessage: {
    ...HEAD, esiid: [ESIID, '10443720000000002'], macAddress: [MAC], text: 'Peak prices 3–7 pm today & tomorrow', truncate: 'true',
    startTime: TIME, durationMinutes: '240', importance: 'HIGH', confirmationRequired: 'false', transmissionMode: 'NORMAL_AND_INTERPAN',
  },
  SendTextMessageResponse: { trans_id: 'T-1', requestId: 'R-3', messageId: '4294967295', esiidsDispatched: '1', esiidWithoutDevice: ['10443720000000002'] },
  CancelTextMessage: { ...HEAD, requestId: 'R-3' },
  CancelTextMessageResponse: { trans_id: 'T-1', requestId: 'R-3', messageCancellationId: 'R-4', esiidsDispatched: '1' },
  SendLoadControlEvent: {
    ...HEAD, esiid: ESIID, issuerEventId: '17', deviceClass: '1', utilityEnrollmentGroup: '0', startTime: TIME, durationMinutes: '1440',
    criticality: '15', coolingTemperatureOffset: '2.5', heatingTemperatureOffset: '1.0', coolingTemperatureSetPoint: '26.67',
    heatingTemperatureSetPoint: '18.5', averageLoadAdjustmentPercentage: '-100', dutyCycle: '100', randomizeStart: 'true', randomizeEnd: 'false',
  },
  SendLoadControlEventResponse: { trans_id: 'T-1', requestId: 'R-5', issuerEventId: '17', esiidsDispatched: '1' },
  CancelLoadControlEvent: { ...HEAD, issuerEventId: '17', randomizeEnd: 'true', effectiveTime: TIME },
  CancelLoadControlEventResponse: { trans_id: 'T-1', requestId: 'R-5', messageCancellationId: 'R-6', esiidsDispatched: '1' },
  CancelAllLoadControlEvents: { ...HEAD, esiid: ESIID },
  CancelAllLoadControlEventsResponse: { trans_id: 'T-1', requestId: 'R-7', messageCancellationId: 'R-8', esiidsDispatched: '0', esiidWithoutDevice: [ESIID] },
  SendPriceMessage: {
    ...HEAD, esiid: ESIID, providerId: '100', rateLabel: 'TOU Peak', issuerEventId: '18', unitOfMeasure: '0', currency: '840',
    trailingDigits: '15', priceTier: '6', numberOfPriceTiers: '6', startTime: TIME, durationMinutes: '65535', price: '1234',
    priceRatio: '1.5', generationPrice: '4294967295',
  },
  SendPriceMessageResponse: { trans_id: 'T-1', requestId: 'R-9', issuerEventId: '18', esiidsDispatched: '1' },
  GetHanMessageLog: { ...HEAD, startDate: '07/01/2025', endDate: '07/13/2025', esiid: ESIID, requestId: 'R-5', eventCategory: 'LCE' },
  GetHanMessageLogResponse: {
    trans_id: 'T-1',
    entry: [{
      TDSPDUNSNumber: '1039940674000', MessageDate: '07/13/2025', RequestID: 'R-5', MessageCancellationID: 'R-6', MessageStatusID: 'S-1',
      ESIID: ESIID, MeterSerialNumber: '123456789LG', DeviceMACAddr: MAC, EventCategoryID: 'CLE', StatusCode: 'OPT',
      StatusDesc: 'the customer opted out', StatusTimestamp: TIME,
    }, {
      TDSPDUNSNumber: '103994067', MessageDate: '07/13/2025', RequestID: 'R-5', MessageStatusID: 'S-2', ESIID: ESIID,
      EventCategoryID: 'LCE', StatusCode: 'RQA', StatusTimestamp: TIME,
    }],
  },
};

describeContract({
  title: 'HAN',
  namespace: HAN_NAMESPACE,
  xsdFile: HAN_XSD_FILE,
  messageFields: HAN_MESSAGE_FIELDS,
  imports: { [FAULT_NAMESPACE]: FAULT_XSD_FILE },
  enumerations: HAN_ENUMERATIONS,
  wireText: true,
  samples: SAMPLES,
  wsdls: [{
    file: HAN_WSDL_FILE,
    operations: HAN_OPERATIONS,
    service: 'HAN',
    port: 'HANPort',
    binding: 'HANBinding',
    address: 'https://localhost:8443/HAN',
  }],
});

/** A sample with some fields replaced (undefined removes one), keeping schema order. */
function variant(element: string, changes: Record<string, SampleValue | undefined>): string {
  const fields = Object.fromEntries(Object.entries({ ...SAMPLES[element], ...changes }).filter(([, v]) => v !== undefined)) as Record<string, SampleValue>;
  return sampleXml(HAN_NAMESPACE, element, fields);
}

describe('HAN contract: more samples against han.xsd (xmllint)', () => {
  it('accepts the smallest messages: optional fields left out', () => {
    const minimal: Array<[string, Record<string, SampleValue>]> = [
      ['ProvisionHanDevice', { ...HEAD, esiid: ESIID, meterNumber: 'M', macAddress: MAC, installCode: '11223344556677884AF7' }],
      ['SendTextMessage', { ...HEAD, esiid: ESIID, text: 'Hi' }],
      ['SendLoadControlEvent', { ...HEAD, esiid: ESIID, deviceClass: '65535', durationMinutes: '1', criticality: '1' }],
      ['CancelLoadControlEvent', { ...HEAD }],
      ['SendPriceMessage', { ...HEAD, esiid: ESIID, providerId: '0', rateLabel: 'R', trailingDigits: '0', priceTier: '1', price: '0' }],
      ['GetHanMessageLog', { ...HEAD, startDate: '07/01/2025', endDate: '07/01/2025' }],
      ['GetHanDeviceHistoryResponse', { trans_id: 'T', esiid: ESIID }],
      ['GetHanMessageLogResponse', { trans_id: 'T' }],
      ['GetMeterInfoResponse', { trans_id: 'T', esiid: ESIID, tdspDuns: '123456789', tdspName: 'T', hanCapable: 'UNKNOWN', hanCapabilityReason: 'no firmware version on record' }],
    ];
    for (const [element, fields] of minimal) {
      const result = validateAgainstXsd(sampleXml(HAN_NAMESPACE, element, fields));
      expect(result.valid, `${element}: ${result.errors}`).to.equal(true);
    }
  });

  it('refuses values outside the types and ranges the schema states', () => {
    const refused: Array<[string, Record<string, SampleValue | undefined>, RegExp]> = [
      ['ProvisionHanDevice', { macAddress: '00124B0001A2B3C' }, /macAddress/],
      ['ProvisionHanDevice', { macAddress: '00:12:4B:00:01:A2:B3:C4' }, /macAddress/],
      ['ProvisionHanDevice', { installCode: '83FED3407A932B' }, /installCode/],
      ['ProvisionHanDevice', { installCode: '83FED3407A939723A5' }, /installCode/],
      ['ProvisionHanDevice', { deviceDescription: 'x'.repeat(61) }, /deviceDescription/],
      ['ProvisionHanDevice', { requesterAuthenticationID: '12345678' }, /requesterAuthenticationID/],
      ['ProvisionHanDeviceResponse', { deviceStatus: 'Added' }, /deviceStatus/],
      ['SendTextMessage', { esiid: Array.from({ length: 10_001 }, (_, i) => String(10443720000000000 + i)) }, /esiid/],
      ['SendTextMessage', { esiid: [] }, /esiid|text/],
      ['SendTextMessage', { importance: 'URGENT' }, /importance/],
      ['SendTextMessage', { text: '' }, /text/],
      ['SendLoadControlEvent', { durationMinutes: '1441' }, /durationMinutes/],
      ['SendLoadControlEvent', { durationMinutes: '0' }, /durationMinutes/],
      ['SendLoadControlEvent', { criticality: '16' }, /criticality/],
      ['SendLoadControlEvent', { averageLoadAdjustmentPercentage: '-101' }, /averageLoadAdjustmentPercentage/],
      ['SendLoadControlEvent', { dutyCycle: '101' }, /dutyCycle/],
      ['SendLoadControlEvent', { deviceClass: '65536' }, /deviceClass/],
      ['SendLoadControlEvent', { randomizeStart: 'yes' }, /randomizeStart/],
      ['SendPriceMessage', { trailingDigits: '16' }, /trailingDigits/],
      ['SendPriceMessage', { priceTier: '0' }, /priceTier/],
      ['SendPriceMessage', { numberOfPriceTiers: '7' }, /numberOfPriceTiers/],
      ['SendPriceMessage', { rateLabel: 'x'.repeat(13) }, /rateLabel/],
      ['GetHanMessageLog', { startDate: '2025-07-01' }, /startDate/],
      ['GetHanMessageLog', { eventCategory: 'XYZ' }, /eventCategory/],
    ];
    for (const [element, changes, field] of refused) {
      const result = validateAgainstXsd(variant(element, changes));
      expect(result.valid, `${element} ${JSON.stringify(changes).slice(0, 80)}`).to.equal(false);
      expect(result.errors, element).to.match(field);
    }
  });

  it('orders the fields: a message with two fields swapped is refused', () => {
    const { esiid, meterNumber, ...rest } = SAMPLES.ProvisionHanDevice;
    const swapped = sampleXml(HAN_NAMESPACE, 'ProvisionHanDevice', { trans_id: rest.trans_id, requestorID: rest.requestorID, requesterAuthenticationID: rest.requesterAuthenticationID, meterNumber, esiid, macAddress: rest.macAddress, installCode: rest.installCode });
    expect(validateAgainstXsd(swapped).valid).to.equal(false);
  });
});

describe('HAN contract: as node-soap hands a request over', () => {
  let client: soap.Client;
  before(async () => {
    client = await soap.createClientAsync(contractPath(HAN_WSDL_FILE));
  });

  it('gives strings, repeated elements as arrays and empty optional ones as null', () => {
    const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${sampleXml(HAN_NAMESPACE, 'SendTextMessage', {
      ...HEAD, esiid: ESIID, text: 'Hi', truncate: '', durationMinutes: '15',
    })}</s:Body></s:Envelope>`;
    const args = (client.wsdl.xmlToObject(envelope) as { Body: { SendTextMessage: SendTextMessage } }).Body.SendTextMessage;
    expect(asArray(args.esiid)).to.deep.equal([ESIID]);
    expect(args.durationMinutes).to.equal('15');
    expect(args.truncate).to.equal(null);
    expect(args.macAddress).to.equal(undefined);
  });
});
