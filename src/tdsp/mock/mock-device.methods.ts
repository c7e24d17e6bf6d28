import { SmtError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { soapOperation } from '../../soap/soap-operation';
import type { DeprovisionDevice, ProvisionDevice, TdspHanMethods } from '../../soap/tdsp-han.types';
import { matchRule, type MockBehaviour, type ScriptedStatus } from './mock-behaviour';
import type { Callback } from './mock-tdsp.server';

export interface MockDeps {
  behaviour: MockBehaviour;
  callback: Callback;
  wait: (ms: number) => Promise<void>;
  logger: Logger;
}

type DeviceRequest = (ProvisionDevice | DeprovisionDevice) & { meterFirmwareVersion?: string | null; installCode?: string };

/**
 * The mock's ProvisionDevice and DeprovisionDevice: the answer comes at once (accepted, or refused by
 * a rule); the statuses follow on the callback as scripted. A request id seen before gets the same
 * answer and no second script: TDSPs treat a repeated request id as the same request.
 */
export function mockDeviceMethods(deps: MockDeps): Pick<TdspHanMethods, 'ProvisionDevice' | 'DeprovisionDevice'> {
  const answered = new Map<string, { accepted: string; reason?: string }>();
  const calls = new Map<string, number>();

  const handle = (operation: 'ProvisionDevice' | 'DeprovisionDevice', script: ScriptedStatus[], failure: string) =>
    soapOperation(deps.logger, `mock ${operation}`, async (args: DeviceRequest) => {
      const requestId = String(args.requestId ?? '');
      const seen = answered.get(requestId);
      if (seen) return { requestId, ...seen };
      const rule = matchRule(deps.behaviour.rules, {
        operation, macAddress: args.macAddress, meterFirmwareVersion: args.meterFirmwareVersion ?? undefined, installCode: args.installCode,
      });
      const count = (calls.get(requestId) ?? 0) + 1;
      calls.set(requestId, count);
      deps.logger.info('mock-tdsp: request', { operation, requestId, esiid: args.esiid, mac: args.macAddress, rule: rule?.then ?? null, call: count });
      if (rule?.then === 'unavailable' && count <= (rule.times ?? 1)) throw new SmtError('INTERNAL', 'the mock TDSP plays unavailable');
      if (rule?.then === 'no-answer') return new Promise<never>(() => undefined);
      const answer = rule?.then === 'reject'
        ? { accepted: 'false', reason: rule.reason ?? 'the TDSP rejected the request' }
        : { accepted: 'true' };
      answered.set(requestId, answer);
      if (answer.accepted === 'true' && rule?.then !== 'silent') {
        const steps = rule?.then === 'fail' ? [...script.slice(0, 1), { status: failure, delayMs: script[0]?.delayMs ?? 0 }] : script;
        void play(deps, args, steps, rule?.then === 'fail' ? rule.reason ?? 'the meter could not complete the request' : undefined);
      }
      return { requestId, ...answer };
    });

  return {
    ProvisionDevice: handle('ProvisionDevice', deps.behaviour.provisioning, 'Add Failed'),
    DeprovisionDevice: handle('DeprovisionDevice', deps.behaviour.deprovisioning, 'Remove Failed'),
  };
}

/** Reports the scripted statuses one after the other; a failure's reason goes with the last one. */
async function play(deps: MockDeps, args: DeviceRequest, steps: ScriptedStatus[], failureReason: string | undefined): Promise<void> {
  for (const [i, step] of steps.entries()) {
    await deps.wait(step.delayMs);
    const last = i === steps.length - 1;
    await deps.callback(args.callbackAddress, 'ReportDeviceStatus', {
      requestId: args.requestId, esiid: args.esiid, macAddress: args.macAddress, deviceStatus: step.status, statusTime: new Date(),
      ...(last && failureReason ? { reason: failureReason } : {}),
    });
  }
}
