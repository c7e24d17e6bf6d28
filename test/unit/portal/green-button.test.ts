import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import { addDays, intervalsInDay } from '../../../src/core/cpt';
import { isSmtError } from '../../../src/core/errors';
import type { PortalMeter } from '../../../src/db/entities/portal-meter.entity';
import type { Viewer } from '../../../src/portal/energy-access';
import { EnergyDataService } from '../../../src/portal/energy-data.service';
import { espiFeed, ESTIMATED_QUALITY } from '../../../src/portal/green-button/espi-feed';
import { CENTRAL_DST_END_RULE, CENTRAL_DST_START_RULE, dayDuration, dayStartEpoch } from '../../../src/portal/green-button/espi-time';
import { greenButtonData } from '../../../src/portal/green-button/green-button.service';
import { reportSlots } from '../../../src/core/cpt';
import type { UsageDay } from '../../../src/usage/usage-day';
import type { UsageSource } from '../../../src/usage/usage.source';

const ESIID = '10443720000000001';
const OTHER = '10443720000000002';
const TODAY = '2026-12-04';
const SPRING = '2026-03-08';
const FALL = '2026-11-01';
const ATOM = 'http://www.w3.org/2005/Atom';
const ESPI = 'http://naesb.org/espi';
const E = 0x40000000;
const BLANK = -2147483648;

/** Interval i of a day: 100 + i Wh, every 10th estimated, interval 4 blank except on the DST days. */
function usageDay(esiid: string, day: string): UsageDay {
  const values = Array.from({ length: intervalsInDay(day) }, (_, i) => (i === 4 && intervalsInDay(day) === 96 ? BLANK : (100 + i) | (i % 10 === 9 ? E : 0)));
  return { esiid, operatingDay: day, channel: 4, version: 20261201060000, intervalCount: values.length, values: new Uint8Array(new Int32Array(values).buffer), startReading: null, stopReading: null, meterNumber: 'M1' };
}

const source: UsageSource = {
  async *dayRows(day, _channel, esiids) {
    for (const esiid of [...esiids].sort()) if (day !== '2026-11-20') yield usageDay(esiid, day);
  },
  async facts(esiids) {
    return new Map(esiids.map((e) => [e, { tdspDuns: '100000001', meterNumber: 'M1', readCycle: null, stretches: [{ repDuns: '200000001', from: '2024-01-01', to: null }] }]));
  },
  async close() {},
};
const energy = new EnergyDataService(async () => source, () => TODAY);
const customer: Viewer = { kind: 'CUSTOMER', participantId: null, duns: new Set(), meters: [{ esiid: ESIID, visibleFrom: '2025-01-01' } as PortalMeter] };

const el = (parent: Element | Document, ns: string, name: string): Element[] => Array.from(parent.getElementsByTagNameNS(ns, name));
const text = (parent: Element, name: string): string => el(parent, ESPI, name)[0]?.textContent ?? '';

async function feed(from: string, to: string): Promise<{ doc: Document; blocks: Element[]; xml: string }> {
  const data = await greenButtonData(energy, customer, ESIID, from, to);
  expect(data).to.not.equal(null);
  const xml = espiFeed({ esiid: ESIID, baseUrl: 'https://portal.example/', selfHref: `https://portal.example/green-button/${ESIID}/download?from=${from}&to=${to}`, generatedAt: new Date('2026-12-04T12:00:00Z'), days: data!.days });
  const doc = new DOMParser().parseFromString(xml, 'application/xml') as unknown as Document;
  return { doc, blocks: el(doc, ESPI, 'IntervalBlock'), xml };
}

function decodeRule(hex: string) {
  const v = parseInt(hex, 16);
  return { month: v >>> 28, operator: (v >>> 25) & 7, dayOfMonth: (v >>> 20) & 31, dayOfWeek: (v >>> 17) & 7, hour: (v >>> 12) & 31, seconds: v & 0xfff };
}

describe('portal/green-button: ESPI feed of the interval view', () => {
  it('places a day at its Central midnight: 23 hours on spring-forward, 25 on fall-back', () => {
    expect(dayStartEpoch(SPRING)).to.equal(Date.parse('2026-03-08T06:00:00Z') / 1000);
    expect(dayStartEpoch('2026-03-09')).to.equal(Date.parse('2026-03-09T05:00:00Z') / 1000);
    expect(dayDuration(SPRING)).to.equal(82_800);
    expect(dayDuration(FALL)).to.equal(90_000);
    expect(dayDuration('2026-07-04')).to.equal(86_400);
  });

  it('encodes the US DST rules: second Sunday of March and first Sunday of November, 02:00', () => {
    expect(CENTRAL_DST_START_RULE).to.equal('360E2000');
    expect(CENTRAL_DST_END_RULE).to.equal('B40E2000');
    expect(decodeRule(CENTRAL_DST_START_RULE)).to.deep.equal({ month: 3, operator: 3, dayOfMonth: 0, dayOfWeek: 7, hour: 2, seconds: 0 });
    expect(decodeRule(CENTRAL_DST_END_RULE)).to.deep.equal({ month: 11, operator: 2, dayOfMonth: 0, dayOfWeek: 7, hour: 2, seconds: 0 });
  });

  it('has a UsagePoint, LocalTimeParameters, one MeterReading with one ReadingType, and entries with unique ids and self/up links', async () => {
    const { doc } = await feed('2026-11-10', '2026-11-12');
    expect(doc.documentElement.namespaceURI).to.equal(ATOM);
    expect(doc.documentElement.localName).to.equal('feed');
    const entries = el(doc, ATOM, 'entry');
    const ids = entries.map((e) => el(e, ATOM, 'id')[0]!.textContent);
    expect(new Set(ids).size).to.equal(entries.length);
    for (const id of ids) expect(id).to.match(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const e of entries) {
      const links = el(e, ATOM, 'link');
      expect(links.filter((l) => l.getAttribute('rel') === 'self')).to.have.length(1);
      expect(links.filter((l) => l.getAttribute('rel') === 'up')).to.have.length(1);
      const self = links.find((l) => l.getAttribute('rel') === 'self')!.getAttribute('href')!;
      expect(self.startsWith(links.find((l) => l.getAttribute('rel') === 'up')!.getAttribute('href')!)).to.equal(true);
    }
    expect(el(doc, ESPI, 'UsagePoint')).to.have.length(1);
    expect(el(doc, ESPI, 'MeterReading')).to.have.length(1);
    const types = el(doc, ESPI, 'ReadingType');
    expect(types).to.have.length(1);
    expect(Object.fromEntries(['accumulationBehaviour', 'commodity', 'flowDirection', 'intervalLength', 'kind', 'powerOfTenMultiplier', 'uom'].map((n) => [n, text(types[0]!, n)])))
      .to.deep.equal({ accumulationBehaviour: '4', commodity: '1', flowDirection: '1', intervalLength: '900', kind: '12', powerOfTenMultiplier: '0', uom: '72' });
    const ltp = el(doc, ESPI, 'LocalTimeParameters')[0]!;
    expect([text(ltp, 'tzOffset'), text(ltp, 'dstOffset'), text(ltp, 'dstStartRule'), text(ltp, 'dstEndRule')]).to.deep.equal(['-21600', '3600', '360E2000', 'B40E2000']);
    // The MeterReading points at its blocks and its ReadingType; every block links up to the MeterReading's blocks.
    const reading = entries.find((e) => el(e, ESPI, 'MeterReading').length === 1)!;
    const related = el(reading, ATOM, 'link').filter((l) => l.getAttribute('rel') === 'related').map((l) => l.getAttribute('href'));
    const typeSelf = el(entries.find((e) => el(e, ESPI, 'ReadingType').length === 1)!, ATOM, 'link').find((l) => l.getAttribute('rel') === 'self')!.getAttribute('href');
    expect(related).to.include(typeSelf);
    const blockUps = entries.filter((e) => el(e, ESPI, 'IntervalBlock').length === 1).map((e) => el(e, ATOM, 'link').find((l) => l.getAttribute('rel') === 'up')!.getAttribute('href'));
    expect(new Set(blockUps).size).to.equal(1);
    expect(related).to.include(blockUps[0]);
  });

  it('gives one block a day, unique by start, with 92 readings on spring-forward and 100 on fall-back, back to back', async () => {
    for (const [day, count, duration] of [[SPRING, 92, 82_800], [FALL, 100, 90_000], ['2026-11-02', 96, 86_400]] as const) {
      const { blocks } = await feed(day, day);
      expect(blocks).to.have.length(1);
      const start = Number(text(el(blocks[0]!, ESPI, 'interval')[0]!, 'start'));
      expect(start).to.equal(dayStartEpoch(day));
      expect(Number(text(el(blocks[0]!, ESPI, 'interval')[0]!, 'duration'))).to.equal(duration);
      const readings = el(blocks[0]!, ESPI, 'IntervalReading');
      // Interval 4 of a normal day is blank in the data: left out, never a zero.
      const blank = count === 96 ? 1 : 0;
      expect(readings).to.have.length(count - blank);
      const starts = readings.map((r) => Number(text(r, 'start')));
      expect(starts.filter((s, i) => i > 0 && s !== starts[i - 1]! + (i === 4 && blank ? 1800 : 900))).to.deep.equal([]);
      expect(starts[starts.length - 1]! + 900).to.equal(start + duration);
      for (const r of readings) expect(text(r, 'duration')).to.equal('900');
    }
  });

  it('carries exactly the interval view\'s values and estimated flags (quality 8), over a range read in several pieces', async () => {
    const from = '2026-10-01', to = '2026-11-30';
    const { blocks } = await feed(from, to);
    expect(blocks).to.have.length(60); // 61 days, one without data
    const starts = blocks.map((b) => text(el(b, ESPI, 'interval')[0]!, 'start'));
    expect(new Set(starts).size).to.equal(starts.length);
    const fromFeed = blocks.flatMap((b) => el(b, ESPI, 'IntervalReading').map((r) => `${text(r, 'value')}${text(r, 'quality') === String(ESTIMATED_QUALITY) ? 'E' : 'A'}`));
    const fromView: string[] = [];
    for (let day = from; day <= to; day = addDays(day, 40)) {
      const end = addDays(day, 39) < to ? addDays(day, 39) : to;
      const view = (await energy.view(customer, ESIID, 'INTERVAL', day, end))!;
      view.groups.forEach((g, i) => g.rows.forEach((row, k) => {
        if (reportSlots(addDays(day, i))[k]!.index !== null && row[5] !== '') fromView.push(`${Math.round(Number(row[5]) * 1000)}${row[6]}`);
      }));
    }
    expect(fromFeed).to.have.length(fromView.length);
    expect(fromFeed).to.deep.equal(fromView);
    expect(fromFeed.filter((v) => v.endsWith('E')).length).to.be.greaterThan(0);
  });

  it('refuses a range over a year, backwards, before the 13-month window, and gives nothing of a meter that is not hers', async () => {
    const refused = async (from: string, to: string) => greenButtonData(energy, customer, ESIID, from, to).then(() => 'accepted', (e: unknown) => (isSmtError(e) ? e.code : String(e)));
    expect(await refused('2025-11-04', '2026-11-05')).to.equal('REPORT_DATES_INVALID');
    expect(await refused('2026-11-05', '2026-11-04')).to.equal('REPORT_DATES_INVALID');
    expect(await refused('2025-10-01', '2025-10-05')).to.equal('REPORT_START_TOO_OLD');
    expect(await refused('2026-11-05', '2026-13-01')).to.equal('REPORT_DATES_INVALID');
    expect(await greenButtonData(energy, customer, OTHER, '2026-11-01', '2026-11-05')).to.equal(null);
  });
});
