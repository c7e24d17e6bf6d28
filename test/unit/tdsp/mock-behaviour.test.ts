import { expect } from 'chai';
import {
  checkBehaviour, DEFAULT_BEHAVIOUR, DEFAULT_MESSAGE_BEHAVIOUR, matchDeviceRule, matchRejectRule, matchRule, messageScript,
} from '../../../src/tdsp/mock/mock-behaviour';

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

  describe('messages', () => {
    it('keeps the default statuses (ACK 200 ms, STR 300 ms, CON 300 ms) and no rules when the section or a part is absent', () => {
      expect(checkBehaviour({}, 'test').messages).to.deep.equal({
        statuses: [{ code: 'ACK', delayMs: 200 }, { code: 'STR', delayMs: 300 }, { code: 'CON', delayMs: 300 }],
        rules: [],
      });
      expect(DEFAULT_BEHAVIOUR.messages).to.equal(DEFAULT_MESSAGE_BEHAVIOUR);
      const onlyRules = checkBehaviour({ messages: { rules: [{ when: { macPrefix: '0FF0' }, then: 'opt-out' }] } }, 'test').messages;
      expect(onlyRules.statuses).to.deep.equal(DEFAULT_MESSAGE_BEHAVIOUR.statuses);
      expect(onlyRules.rules).to.deep.equal([{ when: { macPrefix: '0FF0' }, then: 'opt-out' }]);
      const onlyStatuses = checkBehaviour({ messages: { statuses: [{ code: 'PEN', delayMs: 0 }, { code: 'CON', delayMs: 5 }] } }, 'test').messages;
      expect(onlyStatuses).to.deep.equal({ statuses: [{ code: 'PEN', delayMs: 0 }, { code: 'CON', delayMs: 5 }], rules: [] });
    });

    it('reads the documented example', () => {
      const { messages } = checkBehaviour({
        messages: {
          statuses: [{ code: 'ACK', delayMs: 200 }, { code: 'STR', delayMs: 300 }, { code: 'CON', delayMs: 300 }],
          rules: [
            { when: { macPrefix: '0FF0' }, then: 'opt-out' },
            { when: { macPrefix: '5111' }, then: 'never-confirm' },
            { when: { macPrefix: 'FA11' }, then: 'fail', reason: 'device did not answer' },
            { when: { operation: 'DeliverPriceMessage', esiidPrefix: '1044' }, then: 'reject', reason: 'no price messages here' },
          ],
        },
      }, 'test');
      expect(messages.rules.map((r) => r.then)).to.deep.equal(['opt-out', 'never-confirm', 'fail', 'reject']);
      expect(messages.rules[2]).to.deep.equal({ when: { macPrefix: 'FA11' }, then: 'fail', reason: 'device did not answer' });
      expect(messages.rules[3].when).to.deep.equal({ operation: 'DeliverPriceMessage', esiidPrefix: '1044' });
    });

    it('refuses a malformed section and says where and what is expected', () => {
      const check = (messages: unknown) => () => checkBehaviour({ messages }, 'f.json');
      expect(check([])).to.throw(/f\.json: messages must be an object with "statuses" and "rules"/);
      expect(check({ status: [] })).to.throw(/messages\.status is not known/);
      expect(check({ statuses: {} })).to.throw(/messages\.statuses must be a list/);
      expect(check({ statuses: [{ code: 'ACK', delayMs: 0 }, { code: 'OPT', delayMs: 0 }] })).to.throw(/messages\.statuses\[1\] needs a code \(ACK, PEN, STR, CON; OPT and FLR come from rules\)/);
      expect(check({ statuses: [{ code: 'ACK', delayMs: 1.5 }] })).to.throw(/messages\.statuses\[0\] needs .* whole delayMs of 0 or more/);
      expect(check({ statuses: [{ code: 'ACK' }] })).to.throw(/messages\.statuses\[0\]/);
      expect(check({ rules: {} })).to.throw(/messages\.rules must be a list/);
      expect(check({ rules: [{ when: {}, then: 'silent' }] })).to.throw(/messages\.rules\[0\] needs "when" \(operation, esiidPrefix, macPrefix\) and "then" \(reject, opt-out, never-confirm, fail\)/);
      expect(check({ rules: [null] })).to.throw(/messages\.rules\[0\] needs "when"/);
      expect(check({ rules: [{ when: { macprefix: '00' }, then: 'fail' }] })).to.throw(/messages\.rules\[0\]\.when\.macprefix is not known/);
      expect(check({ rules: [{ when: { macPrefix: 12 }, then: 'fail' }] })).to.throw(/messages\.rules\[0\]\.when\.macPrefix must be a non-empty string/);
      expect(check({ rules: [{ when: { operation: 'ProvisionDevice' }, then: 'reject' }] })).to.throw(/messages\.rules\[0\]\.when\.operation must be one of DeliverTextMessage/);
      expect(check({ rules: [{ when: {}, then: 'fail', reason: 7 }] })).to.throw(/messages\.rules\[0\]\.reason must be a string/);
    });

    it('matches device rules first match wins, ignoring reject rules; a reject rule matches the call when any target does', () => {
      const { rules } = checkBehaviour({
        messages: {
          rules: [
            { when: { operation: 'DeliverPriceMessage', esiidPrefix: '1044' }, then: 'reject', reason: 'no prices' },
            { when: { macPrefix: 'fa11' }, then: 'fail', reason: 'device did not answer' },
            { when: { macPrefix: 'FA' }, then: 'opt-out' },
            { when: { esiidPrefix: '1017', operation: 'DeliverLoadControlEvent' }, then: 'never-confirm' },
          ],
        },
      }, 'test').messages;
      const device = (operation: string, esiid: string, macAddress: string) => matchDeviceRule(rules, { operation, esiid, macAddress })?.then;
      expect(device('DeliverTextMessage', '1044000000000001', 'FA11000000000001')).to.equal('fail');
      expect(device('DeliverTextMessage', '1044000000000001', 'FA22000000000001')).to.equal('opt-out');
      expect(device('DeliverLoadControlEvent', '1017000000000001', '00AA000000000001')).to.equal('never-confirm');
      expect(device('DeliverTextMessage', '1017000000000001', '00AA000000000001')).to.equal(undefined);
      expect(device('DeliverPriceMessage', '1044000000000001', '00AA000000000001')).to.equal(undefined);

      const target = (esiid: string) => ({ esiid, macAddresses: ['00AA000000000001'] });
      expect(matchRejectRule(rules, 'DeliverPriceMessage', [target('1017000000000001'), target('1044000000000002')])?.reason).to.equal('no prices');
      expect(matchRejectRule(rules, 'DeliverPriceMessage', [target('1017000000000001')])).to.equal(undefined);
      expect(matchRejectRule(rules, 'DeliverTextMessage', [target('1044000000000002')])).to.equal(undefined);
      const byMac = checkBehaviour({ messages: { rules: [{ when: { macPrefix: 'BAD0' }, then: 'reject' }] } }, 'test').messages.rules;
      expect(matchRejectRule(byMac, 'DeliverTextMessage', [{ esiid: '1', macAddresses: ['00AA000000000001', 'bad0000000000001'] }])?.then).to.equal('reject');
    });

    it('skips STR for cancellations only', () => {
      const script = DEFAULT_MESSAGE_BEHAVIOUR.statuses;
      for (const operation of ['CancelTextMessage', 'CancelLoadControlEvent', 'CancelAllLoadControlEvents'] as const) {
        expect(messageScript(script, operation).map((s) => s.code)).to.deep.equal(['ACK', 'CON']);
      }
      for (const operation of ['DeliverTextMessage', 'DeliverLoadControlEvent', 'DeliverPriceMessage'] as const) {
        expect(messageScript(script, operation).map((s) => s.code)).to.deep.equal(['ACK', 'STR', 'CON']);
      }
    });
  });
});
