import { expect } from 'chai';
import { checkBehaviour, DEFAULT_BEHAVIOUR, matchRule } from '../../../src/tdsp/mock/mock-behaviour';

describe('tdsp/mock-behaviour', () => {
  it('keeps the default script for what a file leaves out', () => {
    const behaviour = checkBehaviour({ provisioning: [{ status: 'Device Added', delayMs: 0 }] }, 'test');
    expect(behaviour.provisioning).to.deep.equal([{ status: 'Device Added', delayMs: 0 }]);
    expect(behaviour.deprovisioning).to.deep.equal(DEFAULT_BEHAVIOUR.deprovisioning);
    expect(behaviour.rules).to.deep.equal([]);
  });

  it('refuses a malformed file and says what is expected', () => {
    expect(() => checkBehaviour([], 'f.json')).to.throw(/f\.json: expected a JSON object/);
    expect(() => checkBehaviour({ provisioning: [{ status: 'Add Pending', delayMs: -1 }] }, 'f.json')).to.throw(/provisioning\[0\] needs a status and a whole delayMs/);
    expect(() => checkBehaviour({ rules: [{ when: {}, then: 'explode' }] }, 'f.json')).to.throw(/rules\[0\] needs "when".*reject, fail, silent, no-answer, unavailable/);
  });

  it('matches rules by MAC prefix, old firmware, install code and operation, first match wins', () => {
    const { rules } = checkBehaviour({
      rules: [
        { when: { macPrefix: '00aa' }, then: 'reject', reason: 'blocked vendor' },
        { when: { firmwareBelow: '4.0', operation: 'ProvisionDevice' }, then: 'fail' },
        { when: { installCode: '83FED3407A932B70' }, then: 'silent' },
      ],
    }, 'test');
    expect(matchRule(rules, { operation: 'ProvisionDevice', macAddress: '00AA000000000001' })?.reason).to.equal('blocked vendor');
    expect(matchRule(rules, { operation: 'ProvisionDevice', macAddress: '00BB000000000001', meterFirmwareVersion: '3.9.1' })?.then).to.equal('fail');
    expect(matchRule(rules, { operation: 'DeprovisionDevice', macAddress: '00BB000000000001', meterFirmwareVersion: '3.9.1' })).to.equal(undefined);
    expect(matchRule(rules, { operation: 'ProvisionDevice', macAddress: '00BB000000000001', meterFirmwareVersion: '4.0' })).to.equal(undefined);
    expect(matchRule(rules, { operation: 'ProvisionDevice', macAddress: '00BB000000000001', installCode: '83fed3407a932b70' })?.then).to.equal('silent');
  });
});
