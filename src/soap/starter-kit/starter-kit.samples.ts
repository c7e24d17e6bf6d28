import { addDays, cptToday } from '../../core/cpt';
import { appendInstallCodeCrc } from '../../han/install-code';
import { usDate } from '../../usage/report-format';
import { fieldName, type MessageFields } from '../contract';
import { HAN_MESSAGE_FIELDS, HAN_NAMESPACE, HAN_OPERATIONS, type HanMethods, type HanOperation } from '../han.types';
import {
  MESSAGE_FIELDS, METER_USAGE_NAMESPACE, METER_USAGE_OPERATIONS, type MeterUsageMethods, type MeterUsageOperation, type RequesterType,
} from '../meter-usage.types';
import { escapeXml, SOAP_ENVELOPE_NAMESPACE, xmlComment } from '../xml-text';

/**
 * The starter kit's sample requests, one per operation, for the entity the kit is for: its DUNS, the
 * sample ESI IDs, recent days. Every sample is valid against its XSD (checked by a test). A value the
 * integrator must replace (a meter number, a request id, the device's MAC and install code) has an
 * XML comment above it saying where the real one comes from.
 */

export interface SampleOptions {
  entityName: string;
  /** The DUNS the samples act for (requesterAuthenticationID). */
  duns: string;
  /** ROR for a REP, TDSP for a TDSP. */
  requesterType?: RequesterType;
  /** The entity's own ESI IDs for the samples; none: DEFAULT_SAMPLE_ESIID, marked in each sample as a value to replace. */
  sampleEsiids?: string[];
  /** The registered meter of the first sample ESI ID (ProvisionHanDevice names it); unknown: a marked placeholder. */
  sampleMeterNumber?: string;
  /** YYYY-MM-DD: usage samples ask for days before this one, the HAN log for this day (default: today in Central Prevailing Time). */
  today?: string;
  /** YYYY-MM-DD, newest first: days the platform holds usage for the sample ESI IDs; the usage samples end on the newest. */
  dataDays?: string[];
}

/** The samples' ESI ID when none is given: the first ESI ID of the development setup's demo REP. */
export const DEFAULT_SAMPLE_ESIID = '10443720000000001';

export const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
const PLACEHOLDER_METER_NUMBER = 'ASK-GetMeterInfo';
/** An EUI-64 as printed on a device (00124B: a ZigBee radio vendor's prefix). */
const SAMPLE_MAC = '00124B0001A2B3C4';
/** An 8-byte install code followed by its CRC-16/X-25, as printed on a device's label. */
const SAMPLE_INSTALL_CODE = appendInstallCodeCrc('8A3C52E10F7B6D94');
/** 38 bytes: fits one SE 1.0 display message (at most 59). */
const SAMPLE_TEXT = 'Peak prices 4-7 pm today: pre-cool now';

type MeterUsageRequest<K extends MeterUsageOperation> = Parameters<MeterUsageMethods[K]>[0];
type HanRequest<K extends HanOperation> = Parameters<HanMethods[K]>[0];
/** Comments above fields, by field name. */
export type Notes<T> = Partial<Record<keyof T & string, string>>;

export interface Contract {
  prefix: string;
  namespace: string;
  fields: MessageFields;
}
const METER_USAGE_CONTRACT: Contract = { prefix: 'mu', namespace: METER_USAGE_NAMESPACE, fields: MESSAGE_FIELDS };
const HAN_CONTRACT: Contract = { prefix: 'han', namespace: HAN_NAMESPACE, fields: HAN_MESSAGE_FIELDS };

/** One MeterUsage sample request per operation, for the given entity. */
export function sampleRequests(options: SampleOptions): Record<MeterUsageOperation, string> {
  const yesterday = options.dataDays?.[0] ?? addDays(options.today ?? cptToday(), -1);
  const esiids = sampleEsiids(options);
  const notes = (values: object) => ('esiid' in values ? { esiid: esiidNote(options) } : {});
  const sample = <K extends MeterUsageOperation>(operation: K, values: Omit<MeterUsageRequest<K>, 'trans_id' | 'requestorID'>, extra: Notes<MeterUsageRequest<K>> = {}) =>
    envelope(METER_USAGE_CONTRACT, METER_USAGE_OPERATIONS[operation].input, { trans_id: `${operation}-0001`, requestorID: requestorId(options.entityName), ...values }, { ...notes(values), ...extra });
  const single = (days: number) => ({
    requesterAuthenticationID: options.duns, esiid: esiids[0]!,
    startDate: usDate(addDays(yesterday, 1 - days)), endDate: usDate(yesterday), version: 'L', readingType: 'C',
  });
  return {
    SubmitUsageRequest: sample('SubmitUsageRequest', {
      requesterType: options.requesterType ?? 'ROR', requesterAuthenticationID: options.duns,
      reportType: 'INTERVAL', startDate: usDate(addDays(yesterday, -6)), endDate: usDate(yesterday), version: 'L', readingType: 'C', esiid: esiids,
    }),
    GetUsageRequestStatus: sample('GetUsageRequestStatus', { correlationId: PLACEHOLDER_ID }, { correlationId: 'replace with the correlationId SubmitUsageRequest answered' }),
    GetIntervalUsage: sample('GetIntervalUsage', single(7)),
    GetDailyReads: sample('GetDailyReads', single(30)),
    GetMonthlyUsage: sample('GetMonthlyUsage', single(90)),
  } satisfies Record<MeterUsageOperation, string>;
}

/** One HAN sample request per operation, for a REP: its DUNS, the sample ESI IDs, a sample device. */
export function hanSampleRequests(options: SampleOptions): Record<HanOperation, string> {
  const today = usDate(options.today ?? cptToday());
  const esiids = sampleEsiids(options);
  const esiid = esiids[0]!;
  const esiidNotes = (values: object) => ('esiid' in values ? { esiid: esiidNote(options) } : {});
  const sample = <K extends HanOperation>(operation: K, values: Omit<HanRequest<K>, 'trans_id' | 'requestorID' | 'requesterAuthenticationID'>, notes: Notes<HanRequest<K>> = {}) =>
    envelope(HAN_CONTRACT, HAN_OPERATIONS[operation].input, {
      trans_id: `${operation}-0001`, requestorID: requestorId(options.entityName), requesterAuthenticationID: options.duns, ...values,
    }, { ...esiidNotes(values), ...notes });
  const device = { esiid, macAddress: SAMPLE_MAC };
  const deviceNotes = { macAddress: "the device's MAC address (EUI-64, 16 hex digits) from its label" };
  const requestIdNote = (operation: HanOperation) => `replace with the requestId ${operation} answered`;
  return {
    ProvisionHanDevice: sample('ProvisionHanDevice', {
      ...device, meterNumber: options.sampleMeterNumber ?? PLACEHOLDER_METER_NUMBER, installCode: SAMPLE_INSTALL_CODE, deviceDescription: 'Thermostat, living room',
    }, {
      ...deviceNotes,
      meterNumber: options.sampleMeterNumber === undefined
        ? `replace with the meterNumber GetMeterInfo answers for ${ownEsiids(options) ? `ESI ID ${esiid}` : 'your ESI ID'}`
        : `the meter registered for ESI ID ${esiid} (GetMeterInfo answers it)`,
      installCode: "the install code from the device's label: the code followed by its CRC (CRC-16/X-25, low byte first). A secret: never log it",
    }),
    DeprovisionHanDevice: sample('DeprovisionHanDevice', device, deviceNotes),
    GetHanDeviceDetails: sample('GetHanDeviceDetails', device, deviceNotes),
    GetHanDeviceHistory: sample('GetHanDeviceHistory', { esiid }),
    GetMeterInfo: sample('GetMeterInfo', { esiid }),
    SendTextMessage: sample('SendTextMessage', {
      esiid: esiids, text: SAMPLE_TEXT, durationMinutes: '180', importance: 'HIGH', confirmationRequired: 'true',
    }, { text: 'UTF-8, at most 59 bytes (or set truncate to true)' }),
    CancelTextMessage: sample('CancelTextMessage', { requestId: PLACEHOLDER_ID }, { requestId: requestIdNote('SendTextMessage') }),
    SendLoadControlEvent: sample('SendLoadControlEvent', {
      esiid: esiids, deviceClass: '1', durationMinutes: '60', criticality: '3', coolingTemperatureOffset: '2.0', randomizeStart: 'true',
    }, {
      deviceClass: 'a bitmap: 1 HVAC, 2 strip heat, 4 water heater, 8 pool pump (more in the XSD). Without startTime the event starts at once',
      criticality: '1 green, 2 to 6 voluntary, 7 to 9 mandatory (emergency, planned outage, service disconnect)',
    }),
    CancelLoadControlEvent: sample('CancelLoadControlEvent', { requestId: PLACEHOLDER_ID }, {
      requestId: `${requestIdNote('SendLoadControlEvent')} (or give its issuerEventId instead)`,
    }),
    CancelAllLoadControlEvents: sample('CancelAllLoadControlEvents', { esiid: esiids }),
    SendPriceMessage: sample('SendPriceMessage', {
      esiid: esiids, providerId: options.duns.slice(0, 9), rateLabel: 'Peak', trailingDigits: '4', priceTier: '2', numberOfPriceTiers: '2',
      durationMinutes: '180', price: '1234',
    }, {
      providerId: 'your SE 1.0 Provider ID (the sample uses your 9-digit DUNS)',
      price: '0.1234 USD per kWh: the price scaled by trailingDigits',
    }),
    GetHanMessageLog: sample('GetHanMessageLog', { startDate: today, endDate: today }),
  } satisfies Record<HanOperation, string>;
}

export function sampleEsiids(options: SampleOptions): string[] {
  return ownEsiids(options) ? options.sampleEsiids! : [DEFAULT_SAMPLE_ESIID];
}

function ownEsiids(options: SampleOptions): boolean {
  return (options.sampleEsiids?.length ?? 0) > 0;
}

/** Above the ESI IDs of a kit whose entity had none registered: the sample's ESI ID is not one to use. */
export function esiidNote(options: SampleOptions): string | undefined {
  return ownEsiids(options) ? undefined : `replace with one of your ESI IDs: ${options.entityName.replace(/-/g, ' ')} had none registered when this kit was written`;
}

export function requestorId(entityName: string): string {
  return entityName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'integration-test';
}

/**
 * A request envelope with the fields in schema order, each note as a comment above its field. A field
 * (or note) the schema does not have is a programming error.
 */
export function envelope(contract: Contract, element: string, values: object, notes: Record<string, string | undefined> = {}): string {
  const fields = contract.fields[element]!.map(fieldName);
  const given = values as Record<string, string | readonly string[] | null | undefined>;
  const unknown = [...Object.keys(given), ...Object.keys(notes)].filter((name) => !fields.includes(name));
  if (unknown.length > 0) throw new Error(`${element} has no field ${unknown.join(', ')}`);
  const { prefix } = contract;
  const indent = '         ';
  const lines = fields.flatMap((name) => {
    const texts = [given[name] ?? []].flat();
    const note = notes[name];
    return [
      ...(note !== undefined && texts.length > 0 ? [`${indent}${xmlComment(note)}`] : []),
      ...texts.map((value) => `${indent}<${prefix}:${name}>${escapeXml(value)}</${prefix}:${name}>`),
    ];
  });
  return [
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NAMESPACE}" xmlns:${prefix}="${contract.namespace}">`,
    '   <soapenv:Header/>',
    '   <soapenv:Body>',
    `      <${prefix}:${element}>`,
    ...lines,
    `      </${prefix}:${element}>`,
    '   </soapenv:Body>',
    '</soapenv:Envelope>',
    '',
  ].join('\n');
}
