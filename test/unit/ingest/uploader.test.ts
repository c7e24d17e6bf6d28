import { expect } from 'chai';
import { participantUploader, senderBinding, uploaderLogFields } from '../../../src/ingest/uploader';

describe('uploader binding (which senders a file may name)', () => {
  const tdsps = new Set(['100000001', '100000002', '100000003']);
  const twoDuns = participantUploader({ id: 7, name: 'Two-DUNS TDSP', duns: ['100000001', '1000000019999'] }, '1000000019999');

  it("lets a participant's file name only its own DUNS that are registered TDSP DUNS", () => {
    const binding = senderBinding(twoDuns, new Set([...tdsps, '1000000019999']));
    expect([...binding.allowed].sort()).to.deep.equal(['100000001', '1000000019999']);
    expect(binding.refusal('100000002')).to.equal("sender 100000002 is not the uploader's DUNS: the file came from Two-DUNS TDSP (DUNS 100000001 or 1000000019999), which may only send its own records");
  });

  it("refuses a participant's own DUNS that is not a registered TDSP DUNS, saying so", () => {
    const binding = senderBinding(twoDuns, tdsps);
    expect([...binding.allowed]).to.deep.equal(['100000001']);
    expect(binding.refusal('1000000019999')).to.equal('sender 1000000019999 is not a registered TDSP');
  });

  it('lets an operator load any registered TDSP, and names the operator in the log', () => {
    const operator = { kind: 'operator', osUser: 'alice' } as const;
    expect(senderBinding(operator, tdsps).allowed).to.equal(tdsps);
    expect(senderBinding(operator, tdsps).refusal('999999999')).to.equal('sender 999999999 is not a registered TDSP');
    expect(uploaderLogFields(operator)).to.deep.equal({ loadedBy: 'operator', osUser: 'alice' });
    expect(uploaderLogFields(participantUploader({ id: 1, name: 'Demo TDSP', duns: ['100000001'] }, '100000001', 'alice')))
      .to.deep.equal({ loadedBy: 'participant', participant: 'Demo TDSP', uploadDuns: '100000001', operatorOsUser: 'alice' });
  });
});
