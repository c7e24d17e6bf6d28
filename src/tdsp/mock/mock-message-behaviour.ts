/**
 * The `messages` part of the mock TDSP's behaviour file (docs/han.md): the statuses every target of a
 * message operation goes through, and the rules that make some of them refuse, fail or opt out.
 */

/** The six TdspHan message operations. */
export const MESSAGE_OPERATIONS = [
  'DeliverTextMessage', 'CancelTextMessage', 'DeliverLoadControlEvent', 'CancelLoadControlEvent', 'CancelAllLoadControlEvents', 'DeliverPriceMessage',
] as const;
export type MessageOperation = (typeof MESSAGE_OPERATIONS)[number];

/** Cancellations have nothing to start: their script skips STR. */
export const CANCEL_OPERATIONS: readonly MessageOperation[] = ['CancelTextMessage', 'CancelLoadControlEvent', 'CancelAllLoadControlEvents'];

/** The codes a script may list; OPT and FLR come from rules only. */
export const SCRIPTED_MESSAGE_CODES = ['ACK', 'PEN', 'STR', 'CON'] as const;
export type ScriptedMessageCode = (typeof SCRIPTED_MESSAGE_CODES)[number];

/** Codes reported once per ESI ID (no macAddress); the others are reported per device. */
export const PER_ESIID_MESSAGE_CODES: readonly ScriptedMessageCode[] = ['ACK', 'PEN'];

/** One status every target (ACK, PEN) or device (STR, CON) reports, after a delay counted from the previous step. */
export interface ScriptedMessageStatus {
  code: ScriptedMessageCode;
  delayMs: number;
}

/**
 * `reject`: the whole call answers accepted=false (when any target matches); `opt-out`: the device
 * reports OPT instead of CON; `never-confirm`: the device reports no CON; `fail`: the device reports
 * FLR (with the reason) in place of its first per-device status, and nothing after it.
 */
export type MessageRuleAction = 'reject' | 'opt-out' | 'never-confirm' | 'fail';
export const MESSAGE_RULE_ACTIONS: readonly MessageRuleAction[] = ['reject', 'opt-out', 'never-confirm', 'fail'];

export interface MessageRuleCondition {
  operation?: MessageOperation;
  esiidPrefix?: string;
  macPrefix?: string;
}

export interface MessageRule {
  when: MessageRuleCondition;
  then: MessageRuleAction;
  reason?: string;
}

export interface MessageBehaviour {
  statuses: ScriptedMessageStatus[];
  rules: MessageRule[];
}

export const DEFAULT_MESSAGE_BEHAVIOUR: MessageBehaviour = {
  statuses: [{ code: 'ACK', delayMs: 200 }, { code: 'STR', delayMs: 300 }, { code: 'CON', delayMs: 300 }],
  rules: [],
};

const CONDITION_KEYS: readonly (keyof MessageRuleCondition)[] = ['operation', 'esiidPrefix', 'macPrefix'];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the `messages` value of a behaviour file; what it leaves out keeps the default. `bad` builds
 * the error for a problem described relative to `messages` (e.g. `.rules[0] ...`).
 */
export function checkMessageBehaviour(value: unknown, bad: (what: string) => Error): MessageBehaviour {
  if (value === undefined) return DEFAULT_MESSAGE_BEHAVIOUR;
  if (!isObject(value)) throw bad(' must be an object with "statuses" and "rules"');
  const unknownKey = Object.keys(value).find((key) => key !== 'statuses' && key !== 'rules');
  if (unknownKey !== undefined) throw bad(`.${unknownKey} is not known; messages has "statuses" and "rules"`);
  return { statuses: checkStatuses(value.statuses, bad), rules: checkRules(value.rules, bad) };
}

function checkStatuses(value: unknown, bad: (what: string) => Error): ScriptedMessageStatus[] {
  if (value === undefined) return DEFAULT_MESSAGE_BEHAVIOUR.statuses;
  if (!Array.isArray(value)) throw bad('.statuses must be a list of {"code": "ACK", "delayMs": N}');
  return value.map((s: unknown, i) => {
    const step = (isObject(s) ? s : {}) as { code?: unknown; delayMs?: unknown };
    if (!(SCRIPTED_MESSAGE_CODES as readonly unknown[]).includes(step.code) || !(Number.isInteger(step.delayMs) && (step.delayMs as number) >= 0)) {
      throw bad(`.statuses[${i}] needs a code (${SCRIPTED_MESSAGE_CODES.join(', ')}; OPT and FLR come from rules) and a whole delayMs of 0 or more`);
    }
    return { code: step.code as ScriptedMessageCode, delayMs: step.delayMs as number };
  });
}

function checkRules(value: unknown, bad: (what: string) => Error): MessageRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad('.rules must be a list');
  return value.map((r: unknown, i) => {
    const rule = (isObject(r) ? r : {}) as { when?: unknown; then?: unknown; reason?: unknown };
    const where = `.rules[${i}]`;
    if (!isObject(rule.when) || !MESSAGE_RULE_ACTIONS.includes(rule.then as MessageRuleAction)) {
      throw bad(`${where} needs "when" (${CONDITION_KEYS.join(', ')}) and "then" (${MESSAGE_RULE_ACTIONS.join(', ')})`);
    }
    // A misspelt condition would otherwise be ignored and the rule would match every device.
    for (const [key, condition] of Object.entries(rule.when)) {
      if (!(CONDITION_KEYS as readonly string[]).includes(key)) throw bad(`${where}.when.${key} is not known; use ${CONDITION_KEYS.join(', ')}`);
      if (typeof condition !== 'string' || condition === '') throw bad(`${where}.when.${key} must be a non-empty string`);
    }
    const when = rule.when as MessageRuleCondition;
    if (when.operation !== undefined && !MESSAGE_OPERATIONS.includes(when.operation)) {
      throw bad(`${where}.when.operation must be one of ${MESSAGE_OPERATIONS.join(', ')}`);
    }
    if (rule.reason !== undefined && typeof rule.reason !== 'string') throw bad(`${where}.reason must be a string`);
    return { when: { ...when }, then: rule.then as MessageRuleAction, ...(rule.reason !== undefined ? { reason: rule.reason as string } : {}) };
  });
}

const prefixed = (value: string, prefix: string | undefined) => prefix === undefined || value.toUpperCase().startsWith(prefix.toUpperCase());

function matches(when: MessageRuleCondition, operation: string, esiid: string, macAddresses: readonly string[]): boolean {
  return (when.operation === undefined || when.operation === operation)
    && prefixed(esiid, when.esiidPrefix)
    && (when.macPrefix === undefined || macAddresses.some((mac) => prefixed(mac, when.macPrefix)));
}

/** The first `reject` rule any target of the call matches (a macPrefix matches when any device of the target has it). */
export function matchRejectRule(rules: readonly MessageRule[], operation: string, targets: readonly { esiid: string; macAddresses: readonly string[] }[]): MessageRule | undefined {
  return rules.find((rule) => rule.then === 'reject' && targets.some((t) => matches(rule.when, operation, t.esiid, t.macAddresses)));
}

/** The first rule other than `reject` the device matches: what it reports instead of the script. */
export function matchDeviceRule(rules: readonly MessageRule[], device: { operation: string; esiid: string; macAddress: string }): MessageRule | undefined {
  return rules.find((rule) => rule.then !== 'reject' && matches(rule.when, device.operation, device.esiid, [device.macAddress]));
}

/** The script an operation plays: cancellations skip STR. */
export function messageScript(statuses: readonly ScriptedMessageStatus[], operation: MessageOperation): ScriptedMessageStatus[] {
  return CANCEL_OPERATIONS.includes(operation) ? statuses.filter((s) => s.code !== 'STR') : [...statuses];
}
