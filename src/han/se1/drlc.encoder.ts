import { checkDecimal, checkFlag, checkInteger } from '../message-fields';
import { toUtcTime } from './utc-time';
import { ZclPayloadWriter } from './zcl-payload.writer';

/** Demand Response and Load Control cluster (SE 1.0): commands the ESI (meter) sends to devices. */
export const DRLC_CLUSTER_ID = 0x0701;

/** Device Class bits; in Texas an event reaches a device through these and its enrollment group. */
export const DEVICE_CLASSES: readonly { bit: number; name: string }[] = [
  { bit: 0x0001, name: 'HVAC compressor/furnace' },
  { bit: 0x0002, name: 'strip heat' },
  { bit: 0x0004, name: 'water heater' },
  { bit: 0x0008, name: 'pool pump' },
  { bit: 0x0010, name: 'smart appliance' },
  { bit: 0x0020, name: 'irrigation pump' },
  { bit: 0x0040, name: 'managed C&I loads' },
  { bit: 0x0080, name: 'simple misc loads' },
  { bit: 0x0100, name: 'exterior lighting' },
  { bit: 0x0200, name: 'interior lighting' },
  { bit: 0x0400, name: 'electric vehicle' },
  { bit: 0x0800, name: 'generation' },
];

const UINT32_MAX = 0xffffffff;
const DEVICE_CLASS_NOTE = `at least one device class; add up the bits ${DEVICE_CLASSES.map((c) => `0x${c.bit.toString(16).toUpperCase().padStart(4, '0')} ${c.name}`).join(', ')}`;
const CRITICALITY_NOTE = '1 green, 2-6 voluntary, 7 emergency, 8 planned outage, 9 service disconnect, 10-15 utility defined';

// "Not used" encodings: a device ignores a field holding these and keeps its own setting.
const OFFSET_UNUSED = 0xff;
const SET_POINT_UNUSED = 0x8000;
const LOAD_ADJUSTMENT_UNUSED = 0x80;
const DUTY_CYCLE_UNUSED = 0xff;

/** Who an event or cancellation targets: a device takes it when its class bits and group match. */
export interface LoadControlTarget {
  issuerEventId: number;
  /** Bitmap of DEVICE_CLASSES, 1..0x0FFF. */
  deviceClass: number;
  /** 0 = every group. */
  utilityEnrollmentGroup: number;
}

export interface LoadControlEventFields extends LoadControlTarget {
  /** Undefined = start now. */
  startTime?: Date;
  durationMinutes: number;
  criticality: number;
  /** °C, 0..25.4 in steps of 0.1; undefined = not used. */
  coolingTemperatureOffset?: number;
  heatingTemperatureOffset?: number;
  /** °C, -273.15..327.67 in steps of 0.01; undefined = not used. */
  coolingTemperatureSetPoint?: number;
  heatingTemperatureSetPoint?: number;
  /** Percent, -100..100; undefined = not used. */
  averageLoadAdjustmentPercentage?: number;
  /** Percent, 0..100; undefined = not used. */
  dutyCycle?: number;
  randomizeStart?: boolean;
  randomizeEnd?: boolean;
}

export interface CancelLoadControlEventFields extends LoadControlTarget {
  /** End the event with the device's randomization instead of at once. */
  randomizeEnd?: boolean;
  /** Undefined = now. */
  effectiveTime?: Date;
}

export interface CancelAllLoadControlEventsFields {
  randomizeEnd?: boolean;
}

export function checkLoadControlEvent(fields: LoadControlEventFields): void {
  checkTarget(fields);
  toUtcTime(fields.startTime, 'startTime');
  checkInteger(fields.durationMinutes, 'durationMinutes', 1, 1440, 'minutes, at most one day');
  checkInteger(fields.criticality, 'criticality', 1, 15, CRITICALITY_NOTE);
  for (const field of ['coolingTemperatureOffset', 'heatingTemperatureOffset'] as const) {
    const value = fields[field];
    if (value !== undefined) checkDecimal(value, field, 0, 25.4, 0.1, '°C; leave it out when not used');
  }
  for (const field of ['coolingTemperatureSetPoint', 'heatingTemperatureSetPoint'] as const) {
    const value = fields[field];
    if (value !== undefined) checkDecimal(value, field, -273.15, 327.67, 0.01, '°C; leave it out when not used');
  }
  if (fields.averageLoadAdjustmentPercentage !== undefined) {
    checkInteger(fields.averageLoadAdjustmentPercentage, 'averageLoadAdjustmentPercentage', -100, 100, 'percent; leave it out when not used');
  }
  if (fields.dutyCycle !== undefined) checkInteger(fields.dutyCycle, 'dutyCycle', 0, 100, 'percent; leave it out when not used');
  checkFlag(fields.randomizeStart, 'randomizeStart');
  checkFlag(fields.randomizeEnd, 'randomizeEnd');
}

/** Load Control Event payload, 23 bytes. */
export function encodeLoadControlEvent(fields: LoadControlEventFields): Buffer {
  checkLoadControlEvent(fields);
  const scaled = (value: number | undefined, scale: number): number | undefined =>
    value === undefined ? undefined : Math.round(value * scale);
  const coolingSetPoint = scaled(fields.coolingTemperatureSetPoint, 100);
  const heatingSetPoint = scaled(fields.heatingTemperatureSetPoint, 100);
  const writer = writeTarget(new ZclPayloadWriter(), fields)
    .uint32(toUtcTime(fields.startTime, 'startTime'))
    .uint16(fields.durationMinutes)
    .uint8(fields.criticality)
    .uint8(scaled(fields.coolingTemperatureOffset, 10) ?? OFFSET_UNUSED)
    .uint8(scaled(fields.heatingTemperatureOffset, 10) ?? OFFSET_UNUSED);
  // The set points are signed, but their "not used" value is the bit pattern 0x8000.
  if (coolingSetPoint === undefined) writer.uint16(SET_POINT_UNUSED);
  else writer.int16(coolingSetPoint);
  if (heatingSetPoint === undefined) writer.uint16(SET_POINT_UNUSED);
  else writer.int16(heatingSetPoint);
  if (fields.averageLoadAdjustmentPercentage === undefined) writer.uint8(LOAD_ADJUSTMENT_UNUSED);
  else writer.int8(fields.averageLoadAdjustmentPercentage);
  return writer
    .uint8(fields.dutyCycle ?? DUTY_CYCLE_UNUSED)
    .uint8((fields.randomizeStart ? 0x01 : 0) | (fields.randomizeEnd ? 0x02 : 0))
    .toBuffer();
}

export function checkCancelLoadControlEvent(fields: CancelLoadControlEventFields): void {
  checkTarget(fields);
  checkFlag(fields.randomizeEnd, 'randomizeEnd');
  toUtcTime(fields.effectiveTime, 'effectiveTime');
}

/** Cancel Load Control Event payload, 12 bytes. */
export function encodeCancelLoadControlEvent(fields: CancelLoadControlEventFields): Buffer {
  checkCancelLoadControlEvent(fields);
  return writeTarget(new ZclPayloadWriter(), fields)
    .uint8(fields.randomizeEnd ? 0x01 : 0)
    .uint32(toUtcTime(fields.effectiveTime, 'effectiveTime'))
    .toBuffer();
}

export function checkCancelAllLoadControlEvents(fields: CancelAllLoadControlEventsFields): void {
  checkFlag(fields.randomizeEnd, 'randomizeEnd');
}

/** Cancel All Load Control Events payload, 1 byte (the cancel control). */
export function encodeCancelAllLoadControlEvents(fields: CancelAllLoadControlEventsFields): Buffer {
  checkCancelAllLoadControlEvents(fields);
  return new ZclPayloadWriter().uint8(fields.randomizeEnd ? 0x01 : 0).toBuffer();
}

function checkTarget(fields: LoadControlTarget): void {
  checkInteger(fields.issuerEventId, 'issuerEventId', 0, UINT32_MAX);
  // 0 would reach no device at all: the event would be accepted and silently do nothing.
  checkInteger(fields.deviceClass, 'deviceClass', 1, 0x0fff, DEVICE_CLASS_NOTE);
  checkInteger(fields.utilityEnrollmentGroup, 'utilityEnrollmentGroup', 0, 255, '0 = every group');
}

function writeTarget(writer: ZclPayloadWriter, fields: LoadControlTarget): ZclPayloadWriter {
  return writer.uint32(fields.issuerEventId).uint16(fields.deviceClass).uint8(fields.utilityEnrollmentGroup);
}
