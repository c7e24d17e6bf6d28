import fs from 'node:fs';
import path from 'node:path';

/**
 * What every SOAP contract of wsdl/ shares: finding its files, reading the shapes node-soap hands
 * over, and the field lists that tie a contract's TypeScript interfaces to its XSD (each contract's
 * drift test compares them element by element: test/support/contract-drift.ts).
 *
 * node-soap does not validate requests against the schema. What it does (soap 1.13):
 * - a simple value arrives as the string sent, except for an element whose type is one of the
 *   built-in types node-soap converts by name: xs:int, integer, short, long (parseInt), double, float,
 *   decimal (Number), boolean ('yes' becomes false) and dateTime, date (a Date; without a zone, local
 *   time). The HAN contracts give such fields named simple types (Flag, Timestamp, ...), so every one of
 *   their values arrives as text the service can check (their drift tests enforce it);
 * - an element sent empty (`<version/>`) arrives as null;
 * - an element the schema allows more than once arrives as an array, but a string is possible when the
 *   schema is not consulted: read repeated fields through asArray();
 * - a missing element is a missing key, even when the schema requires it.
 */

/** Absolute path of a file in wsdl/, from the sources (ts-node) or from the compiled dist/src/. */
export function contractPath(file: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'wsdl', file);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`wsdl/${file} not found above ${__dirname}`);
  }
}

/** A repeated element: an array, or a single value when it occurred once and node-soap did not know better. */
export type Repeated<T> = T | T[];

/** A repeated element's values, whatever shape node-soap gave them; an absent element gives []. */
export function asArray<T>(value: T | readonly T[] | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** A simple value as text: undefined for an absent or empty element (null), or anything that is not text. */
export function wireText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

// ---------------------------------------------------------------- field lists, checked against the XSD

/**
 * One field of a message in schema order, with its cardinality: `name` exactly once, `name?` optional,
 * `name*` zero or more, `name+` one or more, `name[min..max]` bounded. An optional key of the interface
 * must have a minimum of 0, a required key a minimum of at least 1.
 */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T] & string;
type RequiredKeys<T> = Exclude<keyof T & string, OptionalKeys<T>>;
type OptionalSpec<K extends string> = `${K}?` | `${K}*` | `${K}[0..${number}]`;
type RequiredSpec<K extends string> = K | `${K}+` | `${K}[1..${number}]`;
export type FieldSpec<T> =
  | { [K in OptionalKeys<T>]: OptionalSpec<K> }[OptionalKeys<T>]
  | { [K in RequiredKeys<T>]: RequiredSpec<K> }[RequiredKeys<T>];
type SpecName<S extends string> = S extends `${infer N}[${string}`
  ? N
  : S extends `${infer N}?` ? N : S extends `${infer N}*` ? N : S extends `${infer N}+` ? N : S;
type MissingKeys<T, S extends readonly string[]> = Exclude<keyof T & string, SpecName<S[number]>>;

/** Every top-level element and named complex type of one schema, with its fields in schema order. */
export type MessageFields = Readonly<Record<string, readonly string[]>>;

/**
 * Field lists for T: the compiler refuses an unknown field, a wrong optionality, or a missing field.
 * Usage: `fieldsOf<HanDeviceRequest>()(['trans_id', 'requestorID', 'requesterAuthenticationID', 'esiid', 'macAddress'])`.
 */
export function fieldsOf<T>() {
  return <const S extends readonly FieldSpec<T>[]>(specs: S, ..._complete: [MissingKeys<T, S>] extends [never] ? [] : [missing: MissingKeys<T, S>]): readonly string[] => specs;
}

/** The element name of a field spec: `esiid[1..10000]` → `esiid`. */
export function fieldName(spec: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(spec)![0];
}
