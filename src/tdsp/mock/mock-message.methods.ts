import { SmtError } from '../../core/errors';
import { soapOperation } from '../../soap/soap-operation';
import { asArray, wireText } from '../../soap/contract';
import {
  TDSP_MESSAGE_STATUSES_PER_CALL, TDSP_MESSAGE_TARGETS_PER_CALL,
  type MessageTarget, type TdspHanMethods, type TdspMessageHead, type TdspMessageStatusCode,
} from '../../soap/tdsp-han.types';
import {
  matchDeviceRule, matchRejectRule, messageScript, PER_ESIID_MESSAGE_CODES,
  type MessageOperation, type MessageRule, type ScriptedMessageCode, type ScriptedMessageStatus,
} from './mock-behaviour';
import type { MockDeps } from './mock-device.methods';

/** A message call as node-soap hands it; only DeliverLoadControlEvent carries `mandatory`. */
type MessageCall = TdspMessageHead & { mandatory?: string | null };

interface Recipient {
  esiid: string;
  meterNumber: string;
  devices: { macAddress: string; rule: MessageRule | undefined }[];
}

/** One MessageStatusReport, keys in schema order (the callback writes them in key order). */
type StatusReport = {
  esiid: string;
  meterSerialNumber: string;
  macAddress?: string;
  statusCode: TdspMessageStatusCode;
  statusDescription?: string;
  statusTime: Date;
};

/**
 * The mock's six message operations: the answer comes at once (accepted, or refused by a `reject`
 * rule); the statuses follow on ReportMessageStatus as the behaviour file scripts them, one callback
 * per step and per 1,000 statuses for all the call's targets together. A request for more than 1,000
 * ESI IDs comes as several calls under one requestId, and a retry may repeat targets: an ESI ID already
 * taken on under the requestId is acknowledged again but not played again.
 */
export function mockMessageMethods(deps: MockDeps): Pick<TdspHanMethods, MessageOperation> {
  const taken = new Map<string, Set<string>>();

  const handle = (operation: MessageOperation) => soapOperation(deps.logger, `mock ${operation}`, async (args: MessageCall) => {
    const requestId = wireText(args.requestId) ?? '';
    const callbackAddress = wireText(args.callbackAddress);
    if (!callbackAddress) throw new SmtError('HAN_FIELD_INVALID', 'callbackAddress is missing');
    const targets = readTargets(args.target);
    const reject = matchRejectRule(deps.behaviour.messages.rules, operation, targets);
    if (reject) {
      deps.logger.info('mock-tdsp: message request', { requestId, operation, targets: targets.length, rule: 'reject' });
      return { requestId, accepted: 'false', reason: reject.reason ?? 'the TDSP rejected the request' };
    }
    const seen = taken.get(requestId) ?? new Set<string>();
    taken.set(requestId, seen);
    const recipients: Recipient[] = [];
    for (const target of targets) {
      if (seen.has(target.esiid)) continue;
      seen.add(target.esiid);
      recipients.push({
        esiid: target.esiid, meterNumber: target.meterNumber,
        devices: target.macAddresses.map((macAddress) => ({
          macAddress, rule: matchDeviceRule(deps.behaviour.messages.rules, { operation, esiid: target.esiid, macAddress }),
        })),
      });
    }
    const rules = [...new Set(recipients.flatMap((r) => r.devices.map((d) => d.rule?.then).filter((then) => then !== undefined)))];
    deps.logger.info('mock-tdsp: message request', {
      requestId, operation, targets: targets.length, played: recipients.length, rule: rules.length > 0 ? rules.join(',') : null,
    });
    if (recipients.length > 0) {
      const mandatory = operation === 'DeliverLoadControlEvent' && args.mandatory === 'true';
      play(deps, { requestId, callbackAddress, mandatory }, messageScript(deps.behaviour.messages.statuses, operation), recipients)
        .catch((error: unknown) => deps.logger.error('mock-tdsp: message script stopped', { requestId, operation, error: (error as Error).message }));
    }
    return { requestId, accepted: 'true' };
  });

  return {
    DeliverTextMessage: handle('DeliverTextMessage'),
    CancelTextMessage: handle('CancelTextMessage'),
    DeliverLoadControlEvent: handle('DeliverLoadControlEvent'),
    CancelLoadControlEvent: handle('CancelLoadControlEvent'),
    CancelAllLoadControlEvents: handle('CancelAllLoadControlEvents'),
    DeliverPriceMessage: handle('DeliverPriceMessage'),
  };
}

/** The call's targets, each ESI ID once; node-soap does not enforce the schema, so the mock does. */
function readTargets(value: MessageCall['target'] | undefined): { esiid: string; meterNumber: string; macAddresses: string[] }[] {
  const targets = asArray<MessageTarget | null>(value);
  if (targets.length === 0 || targets.length > TDSP_MESSAGE_TARGETS_PER_CALL) {
    throw new SmtError('HAN_FIELD_INVALID', `a message call carries 1 to ${TDSP_MESSAGE_TARGETS_PER_CALL} targets, not ${targets.length}`);
  }
  return targets.map((target, i) => {
    const esiid = wireText(target?.esiid)?.trim();
    const meterNumber = wireText(target?.meterNumber)?.trim();
    const macAddresses = asArray(target?.macAddress).map((mac) => wireText(mac)?.trim() ?? '');
    if (!esiid || !meterNumber || macAddresses.length === 0 || macAddresses.includes('')) {
      throw new SmtError('HAN_FIELD_INVALID', `target ${i + 1} needs an esiid, a meterNumber and at least one macAddress`);
    }
    return { esiid, meterNumber, macAddresses };
  });
}

/** Plays the script: each step, after its delay, reports for every recipient (ACK, PEN) or device (STR, CON) at once. */
async function play(
  deps: MockDeps, call: { requestId: string; callbackAddress: string; mandatory: boolean }, steps: ScriptedMessageStatus[], recipients: Recipient[],
): Promise<void> {
  let deviceSteps = 0;
  for (const step of steps) {
    await deps.wait(step.delayMs);
    const statusTime = new Date();
    let statuses: StatusReport[];
    if (PER_ESIID_MESSAGE_CODES.includes(step.code)) {
      statuses = recipients.map((r) => ({ esiid: r.esiid, meterSerialNumber: r.meterNumber, statusCode: step.code, statusTime }));
    } else {
      const index = deviceSteps++;
      statuses = recipients.flatMap((r) => r.devices.flatMap((d) => {
        const outcome = deviceOutcome(step.code, index, d.rule, call.mandatory);
        if (!outcome) return [];
        return [{
          esiid: r.esiid, meterSerialNumber: r.meterNumber, macAddress: d.macAddress, statusCode: outcome.code,
          ...(outcome.description ? { statusDescription: outcome.description } : {}), statusTime,
        }];
      }));
    }
    for (let i = 0; i < statuses.length; i += TDSP_MESSAGE_STATUSES_PER_CALL) {
      await deps.callback(call.callbackAddress, 'ReportMessageStatus', { requestId: call.requestId, status: statuses.slice(i, i + TDSP_MESSAGE_STATUSES_PER_CALL) });
    }
  }
}

/** What one device reports for a per-device step (the index-th of the script), given its rule; null: nothing. */
function deviceOutcome(code: ScriptedMessageCode, index: number, rule: MessageRule | undefined, mandatory: boolean): { code: TdspMessageStatusCode; description?: string } | null {
  switch (rule?.then) {
    case 'fail':
      return index === 0 ? { code: 'FLR', description: rule.reason ?? 'the device did not receive the message' } : null;
    case 'never-confirm':
      return code === 'CON' ? null : { code };
    case 'opt-out':
      return code === 'CON' ? { code: 'OPT', description: mandatory ? 'opt-out of a mandatory event' : rule.reason ?? 'the customer opted out' } : { code };
    default:
      return { code };
  }
}
