import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';
import { SmtError } from '../../../src/core/errors';

describe('config: SMT_HAN_MESSAGES_PER_MINUTE', () => {
  it('defaults to 60 a minute, and 0 turns the limit off', () => {
    expect(loadConfig({}).han).to.deep.equal({ messagesPerMinute: 60 });
    expect(loadConfig({ SMT_HAN_MESSAGES_PER_MINUTE: '0' }).han.messagesPerMinute).to.equal(0);
    expect(loadConfig({ SMT_HAN_MESSAGES_PER_MINUTE: '600' }).han.messagesPerMinute).to.equal(600);
  });

  it('refuses what is not a whole number from 0 to 100000, naming the setting', () => {
    for (const value of ['ten', '-1', '1.5', '100001']) {
      let refused: unknown;
      try {
        loadConfig({ SMT_HAN_MESSAGES_PER_MINUTE: value });
      } catch (error) {
        refused = error;
      }
      expect(refused, value).to.be.instanceOf(SmtError);
      expect((refused as SmtError).code).to.equal('CONFIG_INVALID');
      expect((refused as SmtError).message).to.contain('SMT_HAN_MESSAGES_PER_MINUTE');
    }
  });
});
