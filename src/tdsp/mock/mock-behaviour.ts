import fs from 'node:fs';
import { SmtError } from '../../core/errors';
import { compareVersions } from '../../han/meter-capability';
import { checkMessageBehaviour, DEFAULT_MESSAGE_BEHAVIOUR, type MessageBehaviour } from './mock-message-behaviour';

export * from './mock-message-behaviour';

/** One status the mock reports back, after a delay counted from the previous one. */
export interface ScriptedStatus {
  status: string;
  delayMs: number;
}

/** What a matching request gets: refused in the answer, accepted and then failed, accepted and never reported on, no answer at all, or HTTP 503 for its first `times` calls. */
export type RuleAction = 'reject' | 'fail' | 'silent' | 'no-answer' | 'unavailable';

export interface MockRule {
  when: { macPrefix?: string; firmwareBelow?: string; installCode?: string; operation?: string };
  then: RuleAction;
  reason?: string;
  times?: number;
}

export interface MockBehaviour {
  provisioning: ScriptedStatus[];
  deprovisioning: ScriptedStatus[];
  rules: MockRule[];
  /** The six message operations' statuses and rules. */
  messages: MessageBehaviour;
}

export const DEFAULT_BEHAVIOUR: MockBehaviour = {
  provisioning: [
    { status: 'Add Pending', delayMs: 1000 },
    { status: 'Meter Ready', delayMs: 1000 },
    { status: 'Device Added', delayMs: 1000 },
  ],
  deprovisioning: [
    { status: 'Remove Pending', delayMs: 1000 },
    { status: 'Device Removed', delayMs: 1000 },
  ],
  rules: [],
  messages: DEFAULT_MESSAGE_BEHAVIOUR,
};

const ACTIONS: readonly RuleAction[] = ['reject', 'fail', 'silent', 'no-answer', 'unavailable'];

/** Reads a behaviour file (JSON; see docs/han.md); what it leaves out keeps the default. */
export function loadBehaviour(file: string | null): MockBehaviour {
  if (file === null) return DEFAULT_BEHAVIOUR;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SmtError('CONFIG_INVALID', `The mock TDSP behaviour file ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  return checkBehaviour(parsed, file);
}

export function checkBehaviour(value: unknown, source: string): MockBehaviour {
  const bad = (what: string) => new SmtError('CONFIG_INVALID', `The mock TDSP behaviour in ${source}: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected a JSON object with provisioning, deprovisioning, rules and messages');
  const v = value as Record<string, unknown>;
  const script = (key: 'provisioning' | 'deprovisioning'): ScriptedStatus[] => {
    if (v[key] === undefined) return DEFAULT_BEHAVIOUR[key];
    if (!Array.isArray(v[key])) throw bad(`${key} must be a list of {"status": "...", "delayMs": N}`);
    return (v[key] as unknown[]).map((s, i) => {
      const step = s as Partial<ScriptedStatus>;
      if (typeof step?.status !== 'string' || !(Number.isInteger(step.delayMs) && step.delayMs! >= 0)) throw bad(`${key}[${i}] needs a status and a whole delayMs of 0 or more`);
      return { status: step.status, delayMs: step.delayMs! };
    });
  };
  const rules = v.rules === undefined ? [] : v.rules;
  if (!Array.isArray(rules)) throw bad('rules must be a list');
  return {
    provisioning: script('provisioning'),
    deprovisioning: script('deprovisioning'),
    rules: rules.map((r, i) => {
      const rule = r as Partial<MockRule>;
      if (!rule || typeof rule.when !== 'object' || !ACTIONS.includes(rule.then as RuleAction)) throw bad(`rules[${i}] needs "when" (macPrefix, firmwareBelow, installCode, operation) and "then" (${ACTIONS.join(', ')})`);
      return { when: rule.when, then: rule.then as RuleAction, reason: rule.reason, times: rule.times };
    }),
    messages: checkMessageBehaviour(v.messages, (what) => bad(`messages${what}`)),
  };
}

/** The first rule the request matches, if any. */
export function matchRule(rules: MockRule[], request: { operation: string; macAddress?: string; meterFirmwareVersion?: string; installCode?: string }): MockRule | undefined {
  return rules.find(({ when }) =>
    (when.operation === undefined || when.operation === request.operation)
    && (when.macPrefix === undefined || (request.macAddress ?? '').toUpperCase().startsWith(when.macPrefix.toUpperCase()))
    && (when.installCode === undefined || (request.installCode ?? '').toUpperCase() === when.installCode.toUpperCase())
    && (when.firmwareBelow === undefined || (request.meterFirmwareVersion !== undefined && (compareVersions(request.meterFirmwareVersion, when.firmwareBelow) ?? 0) < 0)));
}

