/**
 * JSON Schemas: checked with ajv (an invalid schema is refused), canonical form with sorted keys,
 * and compatibility by structure: a reader schema can read a writer's data when every document
 * the writer allows, the reader allows too. The rules checked, recursively through properties,
 * array items and definitions reached from them:
 * - types: the reader's types must cover the writer's (`integer` is covered by `number`);
 * - objects: a property the reader requires must be required by the writer; a property the writer
 *   allows must be allowed by the reader (a closed reader, `additionalProperties: false`, must
 *   declare it); properties in both must be compatible;
 * - enums: the reader's values must include the writer's; `const` likewise;
 * - bounds: the reader may not be stricter (minLength, maxLength, minimum, maximum, minItems,
 *   maxItems, pattern changed).
 */
import AjvModule from 'ajv';

const Ajv = AjvModule.default;
import { InvalidSchemaError, type ParsedSchema, type SchemaFormat } from './schema-format.js';

type Json = boolean | number | string | null | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json } | boolean;

export interface JsonSchema extends ParsedSchema {
  schema: Schema;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k]!)]));
  return v;
}

function typesOf(s: Schema): Set<string> | null {
  if (typeof s === 'boolean') return null;
  const t = s.type;
  if (t === undefined) return null;
  return new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
}

function covers(reader: Set<string>, type: string): boolean {
  return reader.has(type) || (type === 'integer' && reader.has('number'));
}

const STRICTER: [string, (r: number, w: number) => boolean][] = [
  ['minLength', (r, w) => r > w], ['maxLength', (r, w) => r < w], ['minimum', (r, w) => r > w], ['maximum', (r, w) => r < w],
  ['exclusiveMinimum', (r, w) => r > w], ['exclusiveMaximum', (r, w) => r < w], ['minItems', (r, w) => r > w], ['maxItems', (r, w) => r < w],
  ['minProperties', (r, w) => r > w], ['maxProperties', (r, w) => r < w],
];

function check(reader: Schema, writer: Schema, path: string, out: string[]): void {
  if (reader === true || writer === false) return;
  if (reader === false) return void out.push(`${path || '#'}: the reader allows nothing`);
  const w = writer === true ? {} : writer;
  const rTypes = typesOf(reader);
  const wTypes = typesOf(w);
  if (rTypes) {
    if (!wTypes) out.push(`${path || '#'}: the reader requires type ${[...rTypes].join('|')} where the writer allowed any type`);
    else for (const t of wTypes) if (!covers(rTypes, t)) out.push(`${path || '#'}: type ${t} is no longer allowed (now ${[...rTypes].join('|')})`);
  }
  if (Array.isArray(reader.enum)) {
    const allowed = new Set(reader.enum.map((x) => JSON.stringify(x)));
    const written = Array.isArray(w.enum) ? w.enum : null;
    if (!written) out.push(`${path || '#'}: an enum was added`);
    else for (const x of written) if (!allowed.has(JSON.stringify(x))) out.push(`${path || '#'}: enum value ${JSON.stringify(x)} was removed`);
  }
  if ('const' in reader && JSON.stringify(reader.const) !== JSON.stringify(w.const)) out.push(`${path || '#'}: const changed`);
  for (const [k, stricter] of STRICTER) {
    const r = reader[k];
    if (typeof r !== 'number') continue;
    const wv = w[k];
    if (typeof wv !== 'number' || stricter(r, wv)) out.push(`${path || '#'}: ${k} is stricter (${wv ?? 'none'} → ${r})`);
  }
  if (typeof reader.pattern === 'string' && reader.pattern !== w.pattern) out.push(`${path || '#'}: pattern changed`);
  const rProps = (reader.properties ?? {}) as Record<string, Schema>;
  const wProps = (w.properties ?? {}) as Record<string, Schema>;
  const rRequired = new Set((reader.required ?? []) as string[]);
  const wRequired = new Set((w.required ?? []) as string[]);
  for (const name of rRequired) if (!wRequired.has(name)) out.push(`${path}/properties/${name}: required property added`);
  const rAdditional = reader.additionalProperties as Schema | undefined;
  for (const [name, ws] of Object.entries(wProps)) {
    if (name in rProps) check(rProps[name]!, ws, `${path}/properties/${name}`, out);
    else if (rAdditional === false) out.push(`${path}/properties/${name}: property removed from a closed content model`);
    else if (rAdditional && typeof rAdditional === 'object') check(rAdditional, ws, `${path}/properties/${name}`, out);
  }
  if (rAdditional === false && w.additionalProperties !== false) out.push(`${path || '#'}: additionalProperties is now false`);
  for (const [name, rs] of Object.entries(rProps)) {
    if (name in wProps) continue;
    const wAdditional = w.additionalProperties as Schema | undefined;
    if (wAdditional === false) continue;
    // the writer let any value through under this name: the reader must accept any
    if (rs !== true && (typeof rs !== 'object' || Object.keys(rs).length > 0)) out.push(`${path}/properties/${name}: property added to an open content model`);
  }
  if (reader.items && typeof reader.items === 'object' && !Array.isArray(reader.items)) check(reader.items as Schema, (w.items ?? true) as Schema, `${path}/items`, out);
}

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });

export const jsonSchemaFormat: SchemaFormat<JsonSchema> = {
  type: 'JSON',
  parse(text, references) {
    let schema: Schema;
    try {
      schema = JSON.parse(text) as Schema;
    } catch (e) {
      throw new InvalidSchemaError(`Invalid schema: ${(e as Error).message}`);
    }
    if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) throw new InvalidSchemaError('Invalid schema: a JSON Schema is an object or a boolean');
    const local = new Ajv({ strict: false });
    try {
      for (const [name, ref] of references) local.addSchema(JSON.parse(ref) as object, name);
      if (!ajv.validateSchema(schema as object)) throw new Error(ajv.errorsText(ajv.errors));
      local.compile(schema as object);
    } catch (e) {
      throw new InvalidSchemaError(`Invalid schema: ${(e as Error).message}`);
    }
    return { type: 'JSON', schema, canonical: JSON.stringify(sortKeys(schema as Json)) };
  },
  readIncompatibilities(reader, writer) {
    const out: string[] = [];
    check(reader.schema, writer.schema, '', out);
    return out;
  },
};
