import { createHash } from 'node:crypto';
import { escapeHtml as escapeXml } from '../html';
import { CENTRAL_DST_END_RULE, CENTRAL_DST_START_RULE, CENTRAL_TZ_OFFSET, DST_OFFSET } from './espi-time';

/** One 15-minute reading: energy in Wh (the stored integer; the views print it as kWh with 3 decimals). */
export interface EspiReading {
  start: number;
  wh: number;
  estimated: boolean;
}

/** One operating day: an IntervalBlock from its Central midnight, 82,800 to 90,000 seconds long. */
export interface EspiDay {
  day: string;
  start: number;
  duration: number;
  readings: EspiReading[];
}

export interface EspiFeedInput {
  esiid: string;
  /** The portal's public URL: every link and id is built under it. */
  baseUrl: string;
  selfHref: string;
  generatedAt: Date;
  days: EspiDay[];
}

export const INTERVAL_SECONDS = 900;

/**
 * ReadingType of the feed: electricity (commodity 1) energy (kind 12) in Wh (uom 72) times 10^0,
 * delta data (accumulationBehaviour 4: each reading is the energy of its own interval), delivered
 * to the premise (flowDirection 1), 900-second intervals, USD (840).
 */
export const READING_TYPE = {
  accumulationBehaviour: 4, commodity: 1, currency: 840, dataQualifier: 12, flowDirection: 1,
  intervalLength: INTERVAL_SECONDS, kind: 12, phase: 769, powerOfTenMultiplier: 0, timeAttribute: 0, uom: 72,
} as const;

/**
 * ESPI QualityOfReading for a reading the TDSP flagged as estimated. The LSE flag does not say how it
 * was estimated; 8 ("estimated using reference day") is the estimated code Green Button readers show.
 */
export const ESTIMATED_QUALITY = 8;

/** A stable urn:uuid per resource (name-based, SHA-1, as UUID version 5), so each entry's id is unique and repeatable. */
export function resourceId(href: string): string {
  const h = createHash('sha1').update(href).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function entry(self: string, up: string, related: string[], title: string, updated: string, content: string): string {
  return `<entry><id>${resourceId(self)}</id><link rel="self" href="${escapeXml(self)}"/><link rel="up" href="${escapeXml(up)}"/>`
    + related.map((r) => `<link rel="related" href="${escapeXml(r)}"/>`).join('')
    + `<title>${escapeXml(title)}</title><published>${updated}</published><updated>${updated}</updated><content>${content}</content></entry>\n`;
}

const tags = (values: Record<string, number | string>) => Object.entries(values).map(([k, v]) => `<espi:${k}>${v}</espi:${k}>`).join('');

/** The Atom feed of one ESI ID's interval data: UsagePoint, LocalTimeParameters, MeterReading, ReadingType, one IntervalBlock a day. */
export function espiFeed(input: EspiFeedInput): string {
  const base = input.baseUrl.replace(/\/+$/, '');
  const resource = `${base}/espi/1_1/resource`;
  const usagePoints = `${resource}/Subscription/${input.esiid}/UsagePoint`;
  const usagePoint = `${usagePoints}/1`;
  const meterReadings = `${usagePoint}/MeterReading`;
  const meterReading = `${meterReadings}/1`;
  const blocks = `${meterReading}/IntervalBlock`;
  const readingType = `${resource}/ReadingType/${input.esiid}-kwh-900`;
  const localTime = `${resource}/LocalTimeParameters/central`;
  const updated = input.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">\n'
    + `<id>${resourceId(input.selfHref)}</id><title>Smart Meter Texas Green Button data, ESI ID ${escapeXml(input.esiid)}</title><updated>${updated}</updated>`
    + `<link rel="self" href="${escapeXml(input.selfHref)}"/>\n`;
  out += entry(usagePoint, usagePoints, [meterReadings, localTime], `ESI ID ${input.esiid}`, updated,
    '<espi:UsagePoint><espi:ServiceCategory><espi:kind>0</espi:kind></espi:ServiceCategory></espi:UsagePoint>');
  out += entry(localTime, `${resource}/LocalTimeParameters`, [], 'Central Prevailing Time', updated,
    `<espi:LocalTimeParameters>${tags({ dstEndRule: CENTRAL_DST_END_RULE, dstOffset: DST_OFFSET, dstStartRule: CENTRAL_DST_START_RULE, tzOffset: CENTRAL_TZ_OFFSET })}</espi:LocalTimeParameters>`);
  out += entry(meterReading, meterReadings, [blocks, readingType], '15-minute consumption', updated, '<espi:MeterReading/>');
  out += entry(readingType, `${resource}/ReadingType`, [], 'Energy delivered, Wh, 15-minute intervals', updated, `<espi:ReadingType>${tags(READING_TYPE)}</espi:ReadingType>`);
  for (const day of input.days) {
    let readings = '';
    for (const r of day.readings) {
      readings += `<espi:IntervalReading>${r.estimated ? `<espi:ReadingQuality><espi:quality>${ESTIMATED_QUALITY}</espi:quality></espi:ReadingQuality>` : ''}`
        + `<espi:timePeriod><espi:duration>${INTERVAL_SECONDS}</espi:duration><espi:start>${r.start}</espi:start></espi:timePeriod><espi:value>${r.wh}</espi:value></espi:IntervalReading>`;
    }
    out += entry(`${blocks}/${day.start}`, blocks, [readingType], `Intervals of ${day.day}`, updated,
      `<espi:IntervalBlock><espi:interval><espi:duration>${day.duration}</espi:duration><espi:start>${day.start}</espi:start></espi:interval>${readings}</espi:IntervalBlock>`);
  }
  return `${out}</feed>\n`;
}
