/**
 * Loading Kafka's message definitions (JSON with comments) into a typed, resolved model:
 * every struct named, every field's type classified, version ranges parsed.
 */
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { parseVersions, type VersionRange } from './versions.js';

export interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: RawField[];
}

export interface RawMessage {
  apiKey?: number;
  type: string;
  name: string;
  listeners?: string[];
  validVersions: string;
  flexibleVersions: string;
  deprecatedVersions?: string;
  latestVersionUnstable?: boolean;
  fields: RawField[];
  commonStructs?: { name: string; versions?: string; fields: RawField[] }[];
}

export type ScalarName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

export type FieldType =
  | { kind: 'scalar'; name: ScalarName }
  | { kind: 'array'; element: FieldType }
  | { kind: 'struct'; struct: string };

export interface Field {
  name: string; // camelCase property name
  jsonName: string;
  type: FieldType;
  versions: VersionRange;
  nullable: VersionRange;
  tagged: VersionRange;
  tag: number | undefined;
  flexibleOverride: VersionRange | undefined;
  ignorable: boolean;
  defaultRaw: string | number | boolean | undefined;
}

export interface Struct {
  name: string; // schema name
  typeName: string; // exported TypeScript name
  fields: Field[];
}

export interface Message {
  name: string;
  type: string; // request | response | header | data
  apiKey: number | undefined;
  listeners: string[];
  valid: VersionRange;
  flexible: VersionRange;
  deprecated: VersionRange;
  latestVersionUnstable: boolean;
  root: Struct;
  structs: Struct[]; // every struct other than root, in definition order
  source: string; // file name the message was read from
}

const SCALARS = new Set<string>([
  'bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records',
]);

export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function parseType(type: string): FieldType {
  if (type.startsWith('[]')) return { kind: 'array', element: parseType(type.slice(2)) };
  if (SCALARS.has(type)) return { kind: 'scalar', name: type as ScalarName };
  return { kind: 'struct', struct: type };
}

function resolveField(raw: RawField, msgName: string, structs: Map<string, Struct>, order: Struct[]): Field {
  const type = parseType(raw.type.trim());
  if (raw.fields) {
    const inner = type.kind === 'array' ? type.element : type;
    if (inner.kind !== 'struct') throw new Error(`${msgName}.${raw.name}: fields given for non-struct type`);
    defineStruct(inner.struct, raw.fields, msgName, structs, order);
  }
  return {
    name: camelCase(raw.name),
    jsonName: raw.name,
    type,
    versions: parseVersions(raw.versions ?? 'none'),
    nullable: parseVersions(raw.nullableVersions ?? 'none'),
    tagged: parseVersions(raw.taggedVersions ?? 'none'),
    tag: raw.tag,
    flexibleOverride: raw.flexibleVersions === undefined ? undefined : parseVersions(raw.flexibleVersions),
    ignorable: raw.ignorable === true,
    defaultRaw: raw.default,
  };
}

function defineStruct(
  name: string,
  rawFields: RawField[],
  msgName: string,
  structs: Map<string, Struct>,
  order: Struct[],
): Struct {
  const struct: Struct = { name, typeName: msgName + name, fields: [] };
  if (structs.has(name)) throw new Error(`${msgName}: struct ${name} defined twice`);
  structs.set(name, struct);
  order.push(struct);
  struct.fields = rawFields.map((f) => resolveField(f, msgName, structs, order));
  return struct;
}

export function parseMessage(text: string, source: string): Message {
  const raw = JSON5.parse(text) as RawMessage;
  const structs = new Map<string, Struct>();
  const order: Struct[] = [];
  for (const common of raw.commonStructs ?? []) defineStruct(common.name, common.fields, raw.name, structs, order);
  const root: Struct = { name: raw.name, typeName: raw.name, fields: [] };
  root.fields = raw.fields.map((f) => resolveField(f, raw.name, structs, order));
  for (const s of [root, ...order]) {
    for (const f of s.fields) checkStructRefs(f.type, structs, `${raw.name}.${s.name}.${f.jsonName}`);
  }
  return {
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey,
    listeners: raw.listeners ?? [],
    valid: parseVersions(raw.validVersions),
    flexible: parseVersions(raw.flexibleVersions),
    deprecated: parseVersions(raw.deprecatedVersions ?? 'none'),
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs: order,
    source,
  };
}

function checkStructRefs(type: FieldType, structs: Map<string, Struct>, where: string): void {
  if (type.kind === 'array') checkStructRefs(type.element, structs, where);
  else if (type.kind === 'struct' && !structs.has(type.struct)) {
    throw new Error(`${where}: unknown type ${type.struct}`);
  }
}

export function loadMessage(path: string, source: string): Message {
  return parseMessage(readFileSync(path, 'utf8'), source);
}
