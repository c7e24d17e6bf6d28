import { EVENT_CATEGORIES, type EventCategory } from '../db/entities/han-message.entity';
import { DEVICE_STATUSES, type DeviceStatus } from '../han/device-status';
import { MESSAGE_IMPORTANCES, TRANSMISSION_MODES } from '../han/se1/messaging.encoder';
import { fieldsOf, type MessageFields, type Repeated } from './contract';

/**
 * The HAN messages (the REP-facing service) as node-soap hands them to a service method (requests)
 * and as a service method hands them back (responses). wsdl/han.xsd is the source of truth:
 * HAN_MESSAGE_FIELDS is compared with it element by element (test/unit/soap/han.contract.test.ts), and
 * the compiler ties HAN_MESSAGE_FIELDS to these interfaces. Every simple value is a string, in
 * requests and responses alike: han.xsd gives booleans, times, decimals and counts named types, so
 * node-soap hands them over as the text sent (see src/soap/contract.ts) and the service checks them.
 * Faults carry the smtFault of wsdl/smt-fault.xsd (src/soap/fault-table.ts).
 */

export const HAN_NAMESPACE = 'urn:smt-platform:han:v1';
export const HAN_WSDL_FILE = 'Han.wsdl';
export const HAN_XSD_FILE = 'han.xsd';

// ---------------------------------------------------------------- enumerations of the schema

export const STATUS_SOURCES = ['REP', 'TDSP', 'PLATFORM'] as const;
export const HAN_CAPABILITIES = ['YES', 'NO', 'UNKNOWN'] as const;
/** PRM price, LCE load control event, CLE cancel LCE, CAL cancel all LCE, STM simple text message, CSM cancel text message. */
/** RQA accepted and sent to the TDSP, ACK acknowledged, PEN pending, STR started, CON confirmed, OPT opted out, FLR failed. */
export const MESSAGE_STATUS_CODES = ['RQA', 'ACK', 'PEN', 'STR', 'CON', 'OPT', 'FLR'] as const;

export type StatusSource = (typeof STATUS_SOURCES)[number];
export type HanCapability = (typeof HAN_CAPABILITIES)[number];
export type MessageStatusCode = (typeof MESSAGE_STATUS_CODES)[number];

/** The enumerations of han.xsd by simple type name, for the drift test. */
export const HAN_ENUMERATIONS: Readonly<Record<string, readonly string[]>> = {
  DeviceStatus: DEVICE_STATUSES,
  StatusSource: STATUS_SOURCES,
  HanCapability: HAN_CAPABILITIES,
  Importance: MESSAGE_IMPORTANCES,
  TransmissionMode: TRANSMISSION_MODES,
  EventCategory: EVENT_CATEGORIES,
  MessageStatusCode: MESSAGE_STATUS_CODES,
};

// ---------------------------------------------------------------- requests (as node-soap hands them)
// Enumerations, numbers, booleans and dates arrive unchecked: plain strings. An optional element sent
// empty arrives as null.

/** What every HAN request starts with. */
export interface HanRequestHead {
  trans_id: string;
  requestorID: string;
  /** The DUNS the REP acts for. */
  requesterAuthenticationID: string;
}

export interface ProvisionHanDevice extends HanRequestHead {
  esiid: string;
  meterNumber: string;
  macAddress: string;
  /** Code followed by its CRC, 16/20/28/36 hex digits. */
  installCode: string;
  deviceDescription?: string | null;
}

/** DeprovisionHanDevice and GetHanDeviceDetails name one device of one ESI ID. */
export interface HanDeviceRequest extends HanRequestHead {
  esiid: string;
  macAddress: string;
}
export type DeprovisionHanDevice = HanDeviceRequest;
export type GetHanDeviceDetails = HanDeviceRequest;

/** GetHanDeviceHistory and GetMeterInfo name one ESI ID. */
export interface HanEsiidRequest extends HanRequestHead {
  esiid: string;
}
export type GetHanDeviceHistory = HanEsiidRequest;
export type GetMeterInfo = HanEsiidRequest;

export interface SendTextMessage extends HanRequestHead {
  /** 1..10,000 */
  esiid: Repeated<string>;
  macAddress?: Repeated<string> | null;
  text: string;
  truncate?: string | null;
  startTime?: string | null;
  durationMinutes?: string | null;
  importance?: string | null;
  confirmationRequired?: string | null;
  transmissionMode?: string | null;
}

export interface CancelTextMessage extends HanRequestHead {
  requestId: string;
}

export interface SendLoadControlEvent extends HanRequestHead {
  esiid: Repeated<string>;
  issuerEventId?: string | null;
  deviceClass: string;
  utilityEnrollmentGroup?: string | null;
  startTime?: string | null;
  /** 1..1440 */
  durationMinutes: string;
  /** 1..15 */
  criticality: string;
  coolingTemperatureOffset?: string | null;
  heatingTemperatureOffset?: string | null;
  coolingTemperatureSetPoint?: string | null;
  heatingTemperatureSetPoint?: string | null;
  averageLoadAdjustmentPercentage?: string | null;
  dutyCycle?: string | null;
  randomizeStart?: string | null;
  randomizeEnd?: string | null;
}

/** Names the event by requestId or issuerEventId. */
export interface CancelLoadControlEvent extends HanRequestHead {
  requestId?: string | null;
  issuerEventId?: string | null;
  randomizeEnd?: string | null;
  effectiveTime?: string | null;
}

export interface CancelAllLoadControlEvents extends HanRequestHead {
  esiid: Repeated<string>;
  randomizeEnd?: string | null;
}

export interface SendPriceMessage extends HanRequestHead {
  esiid: Repeated<string>;
  providerId: string;
  rateLabel: string;
  issuerEventId?: string | null;
  unitOfMeasure?: string | null;
  currency?: string | null;
  /** 0..15 */
  trailingDigits: string;
  /** 1..6 */
  priceTier: string;
  numberOfPriceTiers?: string | null;
  startTime?: string | null;
  durationMinutes?: string | null;
  price: string;
  priceRatio?: string | null;
  generationPrice?: string | null;
}

export interface GetHanMessageLog extends HanRequestHead {
  /** MM/DD/YYYY */
  startDate: string;
  endDate: string;
  esiid?: string | null;
  requestId?: string | null;
  eventCategory?: string | null;
}

// ---------------------------------------------------------------- responses (as a service method returns them)
// Keys are listed in schema order: node-soap writes them in the order of the object. Times are
// xs:dateTime (e.g. 2025-07-13T11:00:00.000Z), booleans 'true' | 'false', numbers decimal text.

/** ProvisionHanDevice and DeprovisionHanDevice answer alike. */
export interface HanDeviceRequestResponse {
  trans_id: string;
  requestId: string;
  macAddress: string;
  /** Add Acknowledged or Remove Acknowledged. */
  deviceStatus: DeviceStatus;
}
export type ProvisionHanDeviceResponse = HanDeviceRequestResponse;
export type DeprovisionHanDeviceResponse = HanDeviceRequestResponse;

export interface HanDeviceEvent {
  requestId?: string;
  deviceStatus: DeviceStatus;
  /** When it happened, as reported. */
  statusTime: string;
  /** When the platform recorded it. */
  recordedTime: string;
  source: StatusSource;
  /** 'false' when recorded but not applied (out of order, or a repeat). */
  applied: string;
  reason?: string;
}

export interface HanDevice {
  macAddress: string;
  /** Masked: only the CRC shows. */
  installCode: string;
  deviceDescription?: string;
  meterNumber: string;
  deviceStatus: DeviceStatus;
  statusTime: string;
  /** Only what was recorded during the caller's REP-of-record days: none for a device an earlier REP provisioned and nothing happened to since. */
  history?: HanDeviceEvent[];
}

export interface GetHanDeviceDetailsResponse {
  trans_id: string;
  device: HanDevice;
}

export interface HanHistoryEntry extends HanDeviceEvent {
  macAddress: string;
}

export interface GetHanDeviceHistoryResponse {
  trans_id: string;
  esiid: string;
  entry?: HanHistoryEntry[];
}

export interface GetMeterInfoResponse {
  trans_id: string;
  esiid: string;
  meterNumber?: string;
  tdspDuns: string;
  tdspName: string;
  meterHardwareVersion?: string;
  meterFirmwareVersion?: string;
  hanCapable: HanCapability;
  hanCapabilityReason: string;
}

export interface SendTextMessageResponse {
  trans_id: string;
  requestId: string;
  messageId: string;
  esiidsDispatched: string;
  esiidWithoutDevice?: string[];
}

/** CancelTextMessage and CancelLoadControlEvent answer alike. */
export interface HanCancellationResponse {
  trans_id: string;
  /** The request id of the cancelled message (RequestID of the cancellation's log lines). */
  requestId: string;
  /** The cancellation's own id (MessageCancellationID of its log lines). */
  messageCancellationId: string;
  esiidsDispatched: string;
}
export type CancelTextMessageResponse = HanCancellationResponse;
export type CancelLoadControlEventResponse = HanCancellationResponse;

export interface CancelAllLoadControlEventsResponse {
  trans_id: string;
  /** The cancel-all's own id, the same as messageCancellationId: it cancels no single request. */
  requestId: string;
  messageCancellationId: string;
  /** The load control events it ended (the RequestIDs of its log lines). */
  cancelledRequestId?: string[];
  esiidsDispatched: string;
  esiidWithoutDevice?: string[];
}

/** SendLoadControlEvent and SendPriceMessage answer alike. */
export interface HanEventResponse {
  trans_id: string;
  requestId: string;
  issuerEventId: string;
  esiidsDispatched: string;
  esiidWithoutDevice?: string[];
}
export type SendLoadControlEventResponse = HanEventResponse;
export type SendPriceMessageResponse = HanEventResponse;

/** A row of the HAN messaging log, with the seed's column names. */
export interface HanMessageLogEntry {
  TDSPDUNSNumber: string;
  /** MM/DD/YYYY */
  MessageDate: string;
  RequestID: string;
  MessageCancellationID?: string;
  MessageStatusID: string;
  ESIID: string;
  MeterSerialNumber?: string;
  DeviceMACAddr?: string;
  EventCategoryID: EventCategory;
  StatusCode: MessageStatusCode;
  StatusDesc?: string;
  StatusTimestamp: string;
}

export interface GetHanMessageLogResponse {
  trans_id: string;
  entry?: HanMessageLogEntry[];
}

// ---------------------------------------------------------------- field lists, checked against the XSD

const HEAD = ['trans_id', 'requestorID', 'requesterAuthenticationID'] as const;
const deviceRequest = fieldsOf<HanDeviceRequest>()([...HEAD, 'esiid', 'macAddress']);
const esiidRequest = fieldsOf<HanEsiidRequest>()([...HEAD, 'esiid']);
const deviceRequestResponse = fieldsOf<HanDeviceRequestResponse>()(['trans_id', 'requestId', 'macAddress', 'deviceStatus']);
const cancellationResponse = fieldsOf<HanCancellationResponse>()(['trans_id', 'requestId', 'messageCancellationId', 'esiidsDispatched']);
const eventResponse = fieldsOf<HanEventResponse>()(['trans_id', 'requestId', 'issuerEventId', 'esiidsDispatched', 'esiidWithoutDevice*']);
const EVENT = ['requestId?', 'deviceStatus', 'statusTime', 'recordedTime', 'source', 'applied', 'reason?'] as const;

/** Every top-level element and named complex type of han.xsd, with its fields in schema order. */
export const HAN_MESSAGE_FIELDS: MessageFields = {
  ProvisionHanDevice: fieldsOf<ProvisionHanDevice>()([
    ...HEAD, 'esiid', 'meterNumber', 'macAddress', 'installCode', 'deviceDescription?',
  ]),
  ProvisionHanDeviceResponse: deviceRequestResponse,
  DeprovisionHanDevice: deviceRequest,
  DeprovisionHanDeviceResponse: deviceRequestResponse,
  GetHanDeviceDetails: deviceRequest,
  GetHanDeviceDetailsResponse: fieldsOf<GetHanDeviceDetailsResponse>()(['trans_id', 'device']),
  HanDevice: fieldsOf<HanDevice>()([
    'macAddress', 'installCode', 'deviceDescription?', 'meterNumber', 'deviceStatus', 'statusTime', 'history*',
  ]),
  HanDeviceEvent: fieldsOf<HanDeviceEvent>()([...EVENT]),
  GetHanDeviceHistory: esiidRequest,
  GetHanDeviceHistoryResponse: fieldsOf<GetHanDeviceHistoryResponse>()(['trans_id', 'esiid', 'entry*']),
  HanHistoryEntry: fieldsOf<HanHistoryEntry>()(['macAddress', ...EVENT]),
  GetMeterInfo: esiidRequest,
  GetMeterInfoResponse: fieldsOf<GetMeterInfoResponse>()([
    'trans_id', 'esiid', 'meterNumber?', 'tdspDuns', 'tdspName', 'meterHardwareVersion?', 'meterFirmwareVersion?',
    'hanCapable', 'hanCapabilityReason',
  ]),
  SendTextMessage: fieldsOf<SendTextMessage>()([
    ...HEAD, 'esiid[1..10000]', 'macAddress*', 'text', 'truncate?', 'startTime?', 'durationMinutes?', 'importance?',
    'confirmationRequired?', 'transmissionMode?',
  ]),
  SendTextMessageResponse: fieldsOf<SendTextMessageResponse>()([
    'trans_id', 'requestId', 'messageId', 'esiidsDispatched', 'esiidWithoutDevice*',
  ]),
  CancelTextMessage: fieldsOf<CancelTextMessage>()([...HEAD, 'requestId']),
  CancelTextMessageResponse: cancellationResponse,
  SendLoadControlEvent: fieldsOf<SendLoadControlEvent>()([
    ...HEAD, 'esiid[1..10000]', 'issuerEventId?', 'deviceClass', 'utilityEnrollmentGroup?', 'startTime?', 'durationMinutes',
    'criticality', 'coolingTemperatureOffset?', 'heatingTemperatureOffset?', 'coolingTemperatureSetPoint?',
    'heatingTemperatureSetPoint?', 'averageLoadAdjustmentPercentage?', 'dutyCycle?', 'randomizeStart?', 'randomizeEnd?',
  ]),
  SendLoadControlEventResponse: eventResponse,
  CancelLoadControlEvent: fieldsOf<CancelLoadControlEvent>()([
    ...HEAD, 'requestId?', 'issuerEventId?', 'randomizeEnd?', 'effectiveTime?',
  ]),
  CancelLoadControlEventResponse: cancellationResponse,
  CancelAllLoadControlEvents: fieldsOf<CancelAllLoadControlEvents>()([...HEAD, 'esiid[1..10000]', 'randomizeEnd?']),
  CancelAllLoadControlEventsResponse: fieldsOf<CancelAllLoadControlEventsResponse>()([
    'trans_id', 'requestId', 'messageCancellationId', 'cancelledRequestId*', 'esiidsDispatched', 'esiidWithoutDevice*',
  ]),
  SendPriceMessage: fieldsOf<SendPriceMessage>()([
    ...HEAD, 'esiid[1..10000]', 'providerId', 'rateLabel', 'issuerEventId?', 'unitOfMeasure?', 'currency?', 'trailingDigits',
    'priceTier', 'numberOfPriceTiers?', 'startTime?', 'durationMinutes?', 'price', 'priceRatio?', 'generationPrice?',
  ]),
  SendPriceMessageResponse: eventResponse,
  GetHanMessageLog: fieldsOf<GetHanMessageLog>()([
    ...HEAD, 'startDate', 'endDate', 'esiid?', 'requestId?', 'eventCategory?',
  ]),
  GetHanMessageLogResponse: fieldsOf<GetHanMessageLogResponse>()(['trans_id', 'entry*']),
  HanMessageLogEntry: fieldsOf<HanMessageLogEntry>()([
    'TDSPDUNSNumber', 'MessageDate', 'RequestID', 'MessageCancellationID?', 'MessageStatusID', 'ESIID', 'MeterSerialNumber?',
    'DeviceMACAddr?', 'EventCategoryID', 'StatusCode', 'StatusDesc?', 'StatusTimestamp',
  ]),
};

/** The operations of the HAN port type, each with its request and response element. */
export const HAN_OPERATIONS = {
  ProvisionHanDevice: { input: 'ProvisionHanDevice', output: 'ProvisionHanDeviceResponse' },
  DeprovisionHanDevice: { input: 'DeprovisionHanDevice', output: 'DeprovisionHanDeviceResponse' },
  GetHanDeviceDetails: { input: 'GetHanDeviceDetails', output: 'GetHanDeviceDetailsResponse' },
  GetHanDeviceHistory: { input: 'GetHanDeviceHistory', output: 'GetHanDeviceHistoryResponse' },
  GetMeterInfo: { input: 'GetMeterInfo', output: 'GetMeterInfoResponse' },
  SendTextMessage: { input: 'SendTextMessage', output: 'SendTextMessageResponse' },
  CancelTextMessage: { input: 'CancelTextMessage', output: 'CancelTextMessageResponse' },
  SendLoadControlEvent: { input: 'SendLoadControlEvent', output: 'SendLoadControlEventResponse' },
  CancelLoadControlEvent: { input: 'CancelLoadControlEvent', output: 'CancelLoadControlEventResponse' },
  CancelAllLoadControlEvents: { input: 'CancelAllLoadControlEvents', output: 'CancelAllLoadControlEventsResponse' },
  SendPriceMessage: { input: 'SendPriceMessage', output: 'SendPriceMessageResponse' },
  GetHanMessageLog: { input: 'GetHanMessageLog', output: 'GetHanMessageLogResponse' },
} as const;

export type HanOperation = keyof typeof HAN_OPERATIONS;

/** The service methods a HAN handler implements, in the shape soap.listen expects. */
export interface HanMethods {
  ProvisionHanDevice(args: ProvisionHanDevice, ...rest: unknown[]): Promise<ProvisionHanDeviceResponse>;
  DeprovisionHanDevice(args: DeprovisionHanDevice, ...rest: unknown[]): Promise<DeprovisionHanDeviceResponse>;
  GetHanDeviceDetails(args: GetHanDeviceDetails, ...rest: unknown[]): Promise<GetHanDeviceDetailsResponse>;
  GetHanDeviceHistory(args: GetHanDeviceHistory, ...rest: unknown[]): Promise<GetHanDeviceHistoryResponse>;
  GetMeterInfo(args: GetMeterInfo, ...rest: unknown[]): Promise<GetMeterInfoResponse>;
  SendTextMessage(args: SendTextMessage, ...rest: unknown[]): Promise<SendTextMessageResponse>;
  CancelTextMessage(args: CancelTextMessage, ...rest: unknown[]): Promise<CancelTextMessageResponse>;
  SendLoadControlEvent(args: SendLoadControlEvent, ...rest: unknown[]): Promise<SendLoadControlEventResponse>;
  CancelLoadControlEvent(args: CancelLoadControlEvent, ...rest: unknown[]): Promise<CancelLoadControlEventResponse>;
  CancelAllLoadControlEvents(args: CancelAllLoadControlEvents, ...rest: unknown[]): Promise<CancelAllLoadControlEventsResponse>;
  SendPriceMessage(args: SendPriceMessage, ...rest: unknown[]): Promise<SendPriceMessageResponse>;
  GetHanMessageLog(args: GetHanMessageLog, ...rest: unknown[]): Promise<GetHanMessageLogResponse>;
}
