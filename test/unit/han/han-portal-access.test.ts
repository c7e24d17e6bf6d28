import { expect } from 'chai';
import { isSmtError } from '../../../src/core/errors';
import { HanPortalAccess, type PortalHanActor } from '../../../src/han/han-portal-access';
import type { EsiidRecord, Participant, RegistryService, RepStretch } from '../../../src/registry/registry.service';

const TODAY = new Date('2026-12-04T18:00:00Z');
const participant = (id: number, kind: 'REP' | 'TDSP', duns: string[]): Participant => ({ id, name: `P${id}`, kind, duns, pgpPublicKey: null, endpoint: null, hanMinFirmware: null });
const PARTICIPANTS = [participant(1, 'TDSP', ['100000001']), participant(2, 'TDSP', ['100000009']), participant(3, 'REP', ['200000001', '200000011']), participant(4, 'REP', ['200000002'])];
const ESIIDS: Record<string, { tdsp: string; stretches: RepStretch[] }> = {
  E1: { tdsp: '100000001', stretches: [{ repDuns: '200000002', effectiveFrom: '2024-01-01', effectiveTo: '2026-06-30', source: 'registry' }, { repDuns: '200000011', effectiveFrom: '2026-07-01', effectiveTo: null, source: 'registry' }] },
  E2: { tdsp: '100000009', stretches: [{ repDuns: '200000001', effectiveFrom: '2024-01-01', effectiveTo: null, source: 'registry' }] },
  E3: { tdsp: '100000001', stretches: [{ repDuns: '200000001', effectiveFrom: '2024-01-01', effectiveTo: '2026-11-30', source: 'registry' }] },
};
const registry = {
  async getEsiid(esiid: string): Promise<EsiidRecord | null> {
    const e = ESIIDS[esiid];
    return e ? { esiid, tdspDuns: e.tdsp, meterNumber: `M-${esiid}`, meterHardwareVersion: null, meterFirmwareVersion: null, readCycle: null } : null;
  },
  async repsOfRecord(esiid: string) { return ESIIDS[esiid]?.stretches ?? []; },
  async findParticipantByDuns(duns: string) { return PARTICIPANTS.find((p) => p.duns.includes(duns)) ?? null; },
} as unknown as RegistryService;
const access = new HanPortalAccess(registry, () => TODAY);
const customer = (meters: { esiid: string; visibleFrom: string }[]): PortalHanActor => ({ kind: 'CUSTOMER', participantId: null, duns: [], meters });
const staff = (kind: 'REP' | 'TDSP', id: number): PortalHanActor => ({ kind, participantId: id, duns: PARTICIPANTS.find((p) => p.id === id)!.duns, meters: [] });
const refusal = (actor: PortalHanActor, esiid: string) => access.scope(actor, esiid).then(() => 'allowed', (e: unknown) => (isSmtError(e) ? `${e.code}: ${e.message}` : String(e)));

describe('han/han-portal-access: who acts on an ESI ID from the portal', () => {
  it('lets a customer act on her own meter, for today\'s REP of record, seeing only her own days', async () => {
    const scope = await access.scope(customer([{ esiid: 'E1', visibleFrom: '2026-08-01' }]), 'E1');
    expect(scope.repDuns).to.equal('200000011');
    expect(scope.ownStretches).to.deep.equal([{ repDuns: '200000011', effectiveFrom: '2026-08-01', effectiveTo: null, source: 'registry' }]);
    expect(await refusal(customer([{ esiid: 'E1', visibleFrom: '2026-08-01' }]), 'E2')).to.equal('NOT_FOUND: ESI ID E2 is not one you may manage HAN devices for');
  });

  it('lets a REP user act when any of its DUNS is the REP of record today, and not on an ESI ID it served before', async () => {
    const scope = await access.scope(staff('REP', 3), 'E1');
    expect(scope.repDuns).to.equal('200000011');
    expect(scope.ownDuns).to.deep.equal(['200000001', '200000011']);
    expect(scope.ownStretches.map((s) => s.repDuns)).to.deep.equal(['200000011']);
    expect(await refusal(staff('REP', 4), 'E1')).to.match(/^NOT_FOUND/);
  });

  it('lets a TDSP user act on its own territory only, with the whole history', async () => {
    const scope = await access.scope(staff('TDSP', 1), 'E1');
    expect(scope.ownStretches).to.have.length(2);
    expect(await refusal(staff('TDSP', 1), 'E2')).to.match(/^NOT_FOUND/);
    expect(await access.scope(staff('TDSP', 2), 'E2')).to.have.property('repDuns', '200000001');
  });

  it('answers an unknown ESI ID, one without a REP of record today, and a malformed one with the same refusal', async () => {
    const texts = await Promise.all([refusal(staff('TDSP', 1), 'E9'), refusal(staff('TDSP', 1), 'E3'), refusal(staff('TDSP', 1), "E1' OR 1=1")]);
    expect(texts.map((t) => t.replace(/ESI ID \S+( OR 1=1)? is/, 'ESI ID X is'))).to.deep.equal(Array(3).fill('NOT_FOUND: ESI ID X is not one you may manage HAN devices for'));
    expect(await refusal({ kind: 'REP', participantId: null, duns: ['200000011'], meters: [] }, 'E1')).to.match(/^NOT_FOUND/);
  });
});
