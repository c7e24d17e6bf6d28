import { expect } from 'chai';
import type { PortalMeter } from '../../../src/db/entities/portal-meter.entity';
import { earliestDay, viewerDays, type Viewer } from '../../../src/portal/energy-access';
import type { EsiidFacts } from '../../../src/usage/usage.source';

const ESIID = '10443720000000006';
const facts: EsiidFacts = { tdspDuns: '100000001', meterNumber: 'M6', readCycle: null, stretches: [
  { repDuns: '200000001', from: '2024-01-01', to: '2026-11-23' }, { repDuns: '200000002', from: '2026-11-24', to: null }] };
const meter = { esiid: ESIID, visibleFrom: '2026-11-24' } as PortalMeter;
const viewer = (v: Partial<Viewer>): Viewer => ({ kind: 'CUSTOMER', participantId: null, duns: new Set(), meters: [], ...v });

describe('portal energy data access', () => {
  it('gives a REP its REP-of-record days and a TDSP its territory, as the report engine does', () => {
    expect(viewerDays(viewer({ kind: 'REP', participantId: 1, duns: new Set(['200000001']) }), ESIID, facts, '2026-11-01', '2026-11-30'))
      .to.deep.equal([{ from: '2026-11-01', to: '2026-11-23' }]);
    expect(viewerDays(viewer({ kind: 'TDSP', participantId: 2, duns: new Set(['100000001']) }), ESIID, facts, '2026-11-01', '2026-11-30'))
      .to.deep.equal([{ from: '2026-11-01', to: '2026-11-30' }]);
    expect(viewerDays(viewer({ kind: 'TDSP', participantId: 3, duns: new Set(['100000009']) }), ESIID, facts, '2026-11-01', '2026-11-30')).to.deep.equal([]);
    expect(viewerDays(viewer({ kind: 'REP', participantId: null, duns: new Set(['200000001']) }), ESIID, facts, '2026-11-01', '2026-11-30')).to.deep.equal([]);
  });

  it('gives a customer her registered meters from their visible day only, and the regulator everything', () => {
    expect(viewerDays(viewer({ meters: [meter] }), ESIID, facts, '2026-11-01', '2026-11-30')).to.deep.equal([{ from: '2026-11-24', to: '2026-11-30' }]);
    expect(viewerDays(viewer({ meters: [meter] }), ESIID, facts, '2026-11-01', '2026-11-20')).to.deep.equal([]);
    expect(viewerDays(viewer({ meters: [] }), ESIID, facts, '2026-11-01', '2026-11-30')).to.deep.equal([]);
    expect(viewerDays(viewer({ kind: 'REGULATOR' }), ESIID, facts, '2026-11-01', '2026-11-30')).to.deep.equal([{ from: '2026-11-01', to: '2026-11-30' }]);
    expect(viewerDays(viewer({ kind: 'REGULATOR' }), ESIID, undefined, '2026-11-01', '2026-11-30')).to.deep.equal([]);
  });

  it('keeps the seed history windows: 13/13/24 months for customers and the regulator, 48/48/24 for REPs and TDSPs', () => {
    const today = '2026-12-04';
    expect(earliestDay(viewer({}), 'INTERVAL', today)).to.equal('2025-11-04');
    expect(earliestDay(viewer({ kind: 'REGULATOR' }), 'DAILY', today)).to.equal('2025-11-04');
    expect(earliestDay(viewer({}), 'MONTHLY', today)).to.equal('2024-12-04');
    expect(earliestDay(viewer({ kind: 'REP' }), 'DAILY', today)).to.equal('2022-12-04');
    expect(earliestDay(viewer({ kind: 'TDSP' }), 'MONTHLY', today)).to.equal('2024-12-04');
  });
});
