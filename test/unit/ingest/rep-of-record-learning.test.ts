import { expect } from 'chai';
import type { IngestTransaction, RorStretch, StretchBounds } from '../../../src/ingest/ingest.store';
import { LseFileLoader, RegistryCache } from '../../../src/ingest/lse.loader';
import type { LseRecord } from '../../../src/ingest/lse-record';

const TDSP = '100000001';
const REP_A = '200000001';
const REP_B = '200000002';

/** A stored registry in memory, with every write the loader asks for. */
class FakeStore {
  readonly stretches = new Map<string, (RorStretch & { id: number })[]>();
  readonly added: string[] = [];
  readonly moves: { ids: number[]; bounds: StretchBounds }[] = [];
  private nextId = 1;

  store(esiid: string, repDuns: string, from: string, to: string | null, source: RorStretch['source']): void {
    this.stretches.set(esiid, [...(this.stretches.get(esiid) ?? []), { id: this.nextId++, repDuns, effectiveFrom: from, effectiveTo: to, source }]);
  }

  bounds(esiid: string): string[] {
    return (this.stretches.get(esiid) ?? []).map((s) => `${s.repDuns} ${s.effectiveFrom}..${s.effectiveTo ?? ''} ${s.source}`).sort();
  }

  tx(): IngestTransaction {
    return {
      latestVersions: async (keys) => keys.map(() => null),
      esiidTdsps: async (esiids) => new Map(esiids.map((e) => [e, TDSP])),
      registerEsiids: async () => {},
      repsOfRecord: async (esiids) => new Map(esiids.map((e) => [e, (this.stretches.get(e) ?? []).map((s) => ({ ...s }))])),
      addLseStretches: async (rows) => {
        for (const { esiid, stretch } of rows) {
          stretch.id = this.nextId++;
          this.added.push(esiid);
          this.stretches.set(esiid, [...(this.stretches.get(esiid) ?? []), { ...stretch, id: stretch.id }]);
        }
      },
      moveStretches: async (ids, bounds) => {
        this.moves.push({ ids, bounds });
        for (const list of this.stretches.values()) for (const s of list) if (ids.includes(s.id)) Object.assign(s, bounds);
      },
      insertIntervals: async () => {},
      finishFile: async () => {},
    };
  }
}

let line = 1;
function record(esiid: string, operatingDay: string, repDuns: string | null, channel = 4): LseRecord {
  return {
    line: line++, esiid, channel, operatingDay, version: Number(`${operatingDay.replace(/-/g, '')}120000`), origin: 'M', transactionId: `t${line}`,
    startReading: null, stopReading: null, senderDuns: TDSP, repDuns, intervalCount: 96, values: new Uint8Array(384), code: '00', reason: null,
  };
}

async function loadFile(store: FakeStore, records: LseRecord[], cache = new RegistryCache()): Promise<void> {
  const loader = new LseFileLoader(store.tx(), 1, { allowed: new Set([TDSP]), refusal: () => 'no' }, '2020-01-01', cache);
  await loader.load(records);
  await loader.saveStretches();
}

describe('REP of record learnt from LSE files', () => {
  it("extends the stretches a file's day continues with one statement for all of them, not one per ESI ID", async () => {
    const store = new FakeStore();
    const esiids = Array.from({ length: 1200 }, (_, i) => `1044372${String(i).padStart(10, '0')}`);
    for (const e of esiids) store.store(e, REP_A, '2025-07-01', '2025-07-10', 'lse');
    await loadFile(store, [...esiids.map((e) => record(e, '2025-07-11', REP_A)), record(esiids[0], '2025-07-11', REP_A, 1)]);
    expect(store.moves).to.have.length(1);
    expect(store.moves[0].bounds).to.deep.equal({ effectiveTo: '2025-07-11' });
    expect(store.moves[0].ids).to.have.length(1200);
    expect(store.added).to.deep.equal([]);
    expect(store.bounds(esiids[1199])).to.deep.equal([`${REP_A} 2025-07-01..2025-07-11 lse`]);
  });

  it('writes nothing when the day is already covered (an imported open stretch, or a day loaded before)', async () => {
    const store = new FakeStore();
    store.store('1', REP_A, '2024-01-01', null, 'registry');
    store.store('2', REP_A, '2025-07-01', '2025-07-11', 'lse');
    await loadFile(store, [record('1', '2025-07-11', REP_A), record('2', '2025-07-11', REP_A)]);
    expect(store.moves).to.deep.equal([]);
    expect(store.added).to.deep.equal([]);
  });

  it('grows a stretch backward, forward or both within one file, over several days, and across files of one run', async () => {
    const store = new FakeStore();
    store.store('1', REP_A, '2025-07-05', '2025-07-10', 'lse');
    store.store('2', REP_A, '2025-07-05', '2025-07-10', 'lse');
    store.store('3', REP_A, '2025-07-05', '2025-07-10', 'lse');
    const cache = new RegistryCache();
    await loadFile(store, [
      record('1', '2025-07-04', REP_A), record('1', '2025-07-03', REP_A),
      record('2', '2025-07-11', REP_A), record('2', '2025-07-12', REP_A),
      record('3', '2025-07-04', REP_A), record('3', '2025-07-11', REP_A),
    ], cache);
    expect(store.bounds('1')).to.deep.equal([`${REP_A} 2025-07-03..2025-07-10 lse`]);
    expect(store.bounds('2')).to.deep.equal([`${REP_A} 2025-07-05..2025-07-12 lse`]);
    expect(store.bounds('3')).to.deep.equal([`${REP_A} 2025-07-04..2025-07-11 lse`]);
    await loadFile(store, [record('2', '2025-07-13', REP_A), record('1', '2025-07-02', REP_A)], cache);
    expect(store.bounds('1')).to.deep.equal([`${REP_A} 2025-07-02..2025-07-10 lse`]);
    expect(store.bounds('2')).to.deep.equal([`${REP_A} 2025-07-05..2025-07-13 lse`]);
  });

  it('starts a one-day stretch for a new REP (a switch) or a gap, stores it once, and grows it in the next file', async () => {
    const store = new FakeStore();
    store.store('1', REP_A, '2025-07-01', '2025-07-10', 'lse');
    const cache = new RegistryCache();
    await loadFile(store, [record('1', '2025-07-11', REP_B), record('1', '2025-07-12', REP_B), record('4', '2025-07-11', REP_A), record('5', '2025-07-11', null)], cache);
    expect(store.added).to.deep.equal(['1', '4']);
    expect(store.bounds('1')).to.deep.equal([`${REP_A} 2025-07-01..2025-07-10 lse`, `${REP_B} 2025-07-11..2025-07-12 lse`]);
    expect(store.bounds('4')).to.deep.equal([`${REP_A} 2025-07-11..2025-07-11 lse`]);
    expect(store.bounds('5')).to.deep.equal([]);
    await loadFile(store, [record('1', '2025-07-13', REP_B), record('4', '2025-07-12', REP_A)], cache);
    expect(store.added).to.have.length(2);
    expect(store.bounds('1')).to.deep.equal([`${REP_A} 2025-07-01..2025-07-10 lse`, `${REP_B} 2025-07-11..2025-07-13 lse`]);
    expect(store.bounds('4')).to.deep.equal([`${REP_A} 2025-07-11..2025-07-12 lse`]);
  });
});
