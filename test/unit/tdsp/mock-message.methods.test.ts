import { expect } from 'chai';
import type { Logger } from '../../../src/core/logger';
import type {
  DeliverLoadControlEvent, DeliverPriceMessage, DeliverTextMessage, MessageTarget, TdspCancelLoadControlEvent, TdspCancelTextMessage,
} from '../../../src/soap/tdsp-han.types';
import type { Message } from '../../../src/tdsp/soap-message';
import { checkBehaviour } from '../../../src/tdsp/mock/mock-behaviour';
import { mockMessageMethods } from '../../../src/tdsp/mock/mock-message.methods';

const CALLBACK = 'https://127.0.0.1:8443/TdspCallback';

interface Status {
  esiid: string;
  meterSerialNumber: string;
  macAddress?: string;
  statusCode: string;
  statusDescription?: string;
  statusTime: Date;
}

/** The mock's message methods with a callback that records and a wait that resolves at once. */
function mock(messages?: unknown) {
  const behaviour = checkBehaviour(messages === undefined ? {} : { messages }, 'test');
  const callbacks: { url: string; operation: string; requestId: unknown; status: Status[] }[] = [];
  const delays: number[] = [];
  const logged: { message: string; meta: Record<string, unknown> }[] = [];
  const log = (message: string, meta: Record<string, unknown>) => logged.push({ message, meta });
  const logger = { info: log, warn: log, error: log } as unknown as Logger;
  const methods = mockMessageMethods({
    behaviour,
    callback: async (url, operation, message: Message) => {
      callbacks.push({ url, operation, requestId: message.requestId, status: message.status as unknown as Status[] });
    },
    wait: async (ms) => { delays.push(ms); },
    logger,
  });
  /** Every status reported, one line per status: `CODE esiid [mac] [description]`. */
  const lines = () => callbacks.flatMap((c) => c.status.map((s) =>
    [s.statusCode, s.esiid, s.macAddress, s.statusDescription].filter((part) => part !== undefined).join(' ')));
  return { methods, callbacks, delays, logged, lines };
}

/** Lets a script run to its end: with wait and callback resolving at once, it finishes within the microtask queue. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A target as node-soap hands it: macAddress an array even of one. */
const target = (esiid: string, ...macAddress: string[]): MessageTarget => ({ esiid, meterNumber: `M${esiid.slice(-6)}`, macAddress });
const head = (requestId: string, targets: MessageTarget[]) => ({ requestId, target: targets, payloadHex: '0A0B0C', callbackAddress: CALLBACK });

const text = (requestId: string, targets: MessageTarget[]): DeliverTextMessage => ({
  ...head(requestId, targets), messageId: '7', text: 'Peak hours start at 3 pm', importance: 'medium', confirmationRequired: 'false', transmissionMode: 'normal',
});
const loadControl = (requestId: string, targets: MessageTarget[], mandatory: boolean): DeliverLoadControlEvent => ({
  ...head(requestId, targets), issuerEventId: '42', deviceClass: '1', utilityEnrollmentGroup: '0', durationMinutes: '60',
  criticality: mandatory ? '7' : '3', randomizeStart: 'false', randomizeEnd: 'false', mandatory: mandatory ? 'true' : 'false',
});
const price = (requestId: string, targets: MessageTarget[]): DeliverPriceMessage => ({
  ...head(requestId, targets), providerId: '1', rateLabel: 'PEAK', issuerEventId: '9', unitOfMeasure: '0', currency: '840',
  trailingDigits: '3', priceTier: '1', numberOfPriceTiers: '1', price: '125',
});
const cancelEvent = (requestId: string, targets: MessageTarget[]): TdspCancelLoadControlEvent => ({
  ...head(requestId, targets), messageCancellationId: 'C1', issuerEventId: '42', deviceClass: '1', utilityEnrollmentGroup: '0', randomizeEnd: 'false',
});
const cancelText = (requestId: string, targets: MessageTarget[]): TdspCancelTextMessage => ({ ...head(requestId, targets), messageCancellationId: 'C2', messageId: '7' });

const RULES = [
  { when: { macPrefix: '0FF0' }, then: 'opt-out' },
  { when: { macPrefix: '5111' }, then: 'never-confirm' },
  { when: { macPrefix: 'FA11' }, then: 'fail', reason: 'device did not answer' },
  { when: { operation: 'DeliverPriceMessage', esiidPrefix: '1044' }, then: 'reject', reason: 'no price messages for these meters' },
];

describe('tdsp/mock-message.methods', () => {
  it('answers at once, then reports ACK per ESI ID and STR and CON per device, one callback per step', async () => {
    const m = mock();
    const answer = await m.methods.DeliverTextMessage(text('R1', [target('10443720000000001', 'AA00000000000001'), target('10443720000000002', 'AA00000000000002', 'AA00000000000003')]));
    expect(answer).to.deep.equal({ requestId: 'R1', accepted: 'true' });
    await settle();

    expect(m.delays).to.deep.equal([200, 300, 300]);
    expect(m.callbacks.map((c) => [c.url, c.operation, c.requestId])).to.deep.equal(Array(3).fill([CALLBACK, 'ReportMessageStatus', 'R1']));
    const [ack, str, con] = m.callbacks.map((c) => c.status);
    expect(ack.map((s) => Object.keys(s))).to.deep.equal(Array(2).fill(['esiid', 'meterSerialNumber', 'statusCode', 'statusTime']));
    expect(ack.map((s) => [s.statusCode, s.esiid, s.meterSerialNumber])).to.deep.equal([
      ['ACK', '10443720000000001', 'M000001'], ['ACK', '10443720000000002', 'M000002'],
    ]);
    expect(str.map((s) => Object.keys(s))).to.deep.equal(Array(3).fill(['esiid', 'meterSerialNumber', 'macAddress', 'statusCode', 'statusTime']));
    expect(str.map((s) => `${s.statusCode} ${s.esiid} ${s.macAddress}`)).to.deep.equal([
      'STR 10443720000000001 AA00000000000001', 'STR 10443720000000002 AA00000000000002', 'STR 10443720000000002 AA00000000000003',
    ]);
    expect(con.map((s) => `${s.statusCode} ${s.macAddress}`)).to.deep.equal(['CON AA00000000000001', 'CON AA00000000000002', 'CON AA00000000000003']);
    expect([...ack, ...str, ...con].every((s) => s.statusTime instanceof Date)).to.equal(true);
  });

  it('splits a step of 1,500 statuses into two callbacks of at most 1,000', async () => {
    const m = mock();
    const targets = Array.from({ length: 750 }, (_, i) => {
      const n = String(i).padStart(6, '0');
      return target(`10443720000${n}`, `AA0000000${n}0`, `AA0000000${n}1`);
    });
    await m.methods.DeliverLoadControlEvent(loadControl('R-big', targets, false));
    await settle();

    expect(m.callbacks.map((c) => c.status.length)).to.deep.equal([750, 1000, 500, 1000, 500]);
    expect(m.callbacks.map((c) => c.status[0].statusCode)).to.deep.equal(['ACK', 'STR', 'STR', 'CON', 'CON']);
    const confirmed = m.callbacks.slice(3).flatMap((c) => c.status.map((s) => s.macAddress));
    expect(new Set(confirmed).size).to.equal(1500);
  });

  it('plays opt-out, never-confirm and fail per device, alongside the devices without a rule', async () => {
    const m = mock({ rules: RULES });
    await m.methods.DeliverTextMessage(text('R2', [
      target('10443720000000001', '0FF0000000000001', 'AA00000000000001'),
      target('10443720000000002', '5111000000000002'),
      target('10443720000000003', 'FA11000000000003'),
    ]));
    await settle();

    expect(m.callbacks).to.have.length(3);
    expect(m.lines()).to.deep.equal([
      'ACK 10443720000000001', 'ACK 10443720000000002', 'ACK 10443720000000003',
      'STR 10443720000000001 0FF0000000000001', 'STR 10443720000000001 AA00000000000001', 'STR 10443720000000002 5111000000000002',
      'FLR 10443720000000003 FA11000000000003 device did not answer',
      'OPT 10443720000000001 0FF0000000000001 the customer opted out', 'CON 10443720000000001 AA00000000000001',
    ]);
    expect(m.logged.filter((l) => l.message === 'mock-tdsp: message request').map((l) => l.meta)).to.deep.equal([
      { requestId: 'R2', operation: 'DeliverTextMessage', targets: 3, played: 3, rule: 'opt-out,never-confirm,fail' },
    ]);
  });

  it('still reports OPT for a mandatory load control event, saying it was mandatory', async () => {
    const m = mock({ rules: RULES });
    await m.methods.DeliverLoadControlEvent(loadControl('R3', [target('10443720000000001', '0FF0000000000001')], true));
    await m.methods.DeliverLoadControlEvent(loadControl('R4', [target('10443720000000001', '0FF0000000000001')], false));
    await settle();

    const opted = m.callbacks.flatMap((c) => c.status.filter((s) => s.statusCode === 'OPT').map((s) => [c.requestId, s.statusDescription]));
    expect(opted).to.deep.equal([['R3', 'opt-out of a mandatory event'], ['R4', 'the customer opted out']]);
  });

  it('rejects the whole call when any target matches a reject rule, and reports nothing', async () => {
    const m = mock({ rules: RULES });
    const targets = [target('10177000000000001', 'AA00000000000001'), target('10443720000000002', 'AA00000000000002')];
    expect(await m.methods.DeliverPriceMessage(price('R5', targets))).to.deep.equal({ requestId: 'R5', accepted: 'false', reason: 'no price messages for these meters' });
    await settle();
    expect(m.callbacks).to.deep.equal([]);

    // The rule names its operation: a text message to the same meters goes through.
    expect(await m.methods.DeliverTextMessage(text('R6', targets))).to.deep.equal({ requestId: 'R6', accepted: 'true' });
    await settle();
    expect(m.lines().filter((l) => l.startsWith('CON'))).to.have.length(2);
  });

  it('acknowledges targets repeated under a requestId again but plays only the new ones', async () => {
    const m = mock();
    const a = target('10443720000000001', 'AA00000000000001');
    const b = target('10443720000000002', 'AA00000000000002');
    const c = target('10443720000000003', 'AA00000000000003');
    await m.methods.DeliverTextMessage(text('R7', [a, b]));
    await settle();
    expect(m.callbacks).to.have.length(3);

    expect(await m.methods.DeliverTextMessage(text('R7', [a, b]))).to.deep.equal({ requestId: 'R7', accepted: 'true' });
    await settle();
    expect(m.callbacks).to.have.length(3);

    expect(await m.methods.DeliverTextMessage(text('R7', [b, c]))).to.deep.equal({ requestId: 'R7', accepted: 'true' });
    await settle();
    expect(m.callbacks.slice(3).flatMap((cb) => cb.status.map((s) => `${s.statusCode} ${s.esiid}`))).to.deep.equal([
      'ACK 10443720000000003', 'STR 10443720000000003', 'CON 10443720000000003',
    ]);
    expect(m.logged.map((l) => [l.meta.targets, l.meta.played])).to.deep.equal([[2, 2], [2, 0], [2, 1]]);
  });

  it('skips STR for a cancellation: ACK, then CON', async () => {
    const m = mock();
    expect(await m.methods.CancelLoadControlEvent(cancelEvent('R8', [target('10443720000000001', 'AA00000000000001')]))).to.deep.equal({ requestId: 'R8', accepted: 'true' });
    await settle();
    expect(m.delays).to.deep.equal([200, 300]);
    expect(m.lines()).to.deep.equal(['ACK 10443720000000001', 'CON 10443720000000001 AA00000000000001']);

    const failing = mock({ rules: RULES });
    await failing.methods.CancelTextMessage(cancelText('R9', [target('10443720000000001', 'FA11000000000001', '5111000000000001')]));
    await settle();
    // FLR takes the place of the first per-device status, here CON; never-confirm leaves only the ACK.
    expect(failing.lines()).to.deep.equal(['ACK 10443720000000001', 'FLR 10443720000000001 FA11000000000001 device did not answer']);
  });

  it('answers a call that breaks the schema with a Client fault', async () => {
    const m = mock();
    const fault = async (args: unknown) => {
      try {
        await m.methods.DeliverTextMessage(args as DeliverTextMessage);
      } catch (error) {
        return (error as { Fault: { faultcode: string; detail: { smtFault: { code: string; message: string } } } }).Fault;
      }
      throw new Error('expected a fault');
    };
    const noTargets = await fault({ ...text('R10', []), target: undefined });
    expect([noTargets.faultcode, noTargets.detail.smtFault.code]).to.deep.equal(['soap:Client', 'HAN_FIELD_INVALID']);
    expect(noTargets.detail.smtFault.message).to.match(/1 to 1000 targets, not 0/);
    expect((await fault(text('R11', [target('10443720000000001')]))).detail.smtFault.message).to.match(/target 1 needs .* at least one macAddress/);
    expect((await fault({ ...text('R12', [null as unknown as MessageTarget]) })).detail.smtFault.message).to.match(/target 1 needs an esiid/);
    await settle();
    expect(m.callbacks).to.deep.equal([]);
  });
});
