/**
 * Test support: Kafka's message schemas loaded through the generator's own model, the generated
 * module of each, and fast-check arbitraries producing values valid at a given version.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { defaultProtocolDir } from '../../codegen/main.js';
import { loadMessage, type Field, type FieldType, type Message, type Struct } from '../../codegen/schema.js';
import {
  canBeNull, isTagged, regularVersions, taggedVersions, type EmitContext,
} from '../../codegen/field-model.js';
import { contains } from '../../codegen/versions.js';

export interface SchemaUnderTest {
  msg: Message;
  kind: 'messages' | 'coordinator-records';
  ctx: EmitContext;
}

export function loadAllSchemas(): SchemaUnderTest[] {
  const out: SchemaUnderTest[] = [];
  for (const kind of ['messages', 'coordinator-records'] as const) {
    const dir = join(defaultProtocolDir(), kind);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const msg = loadMessage(join(dir, file), file);
      out.push({ msg, kind, ctx: { msg, structs: new Map(msg.structs.map((s) => [s.name, s])) } });
    }
  }
  return out;
}

export interface GeneratedModule {
  [name: string]: unknown;
}

export async function importGenerated(s: SchemaUnderTest): Promise<GeneratedModule> {
  return (await import(`../../src/protocol/generated/${s.kind}/${s.msg.name}.js`)) as GeneratedModule;
}

export function versionsOf(msg: Message): number[] {
  const out: number[] = [];
  for (let v = msg.valid.min; v <= msg.valid.max; v++) out.push(v);
  return out;
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));

function scalar(name: string): fc.Arbitrary<unknown> {
  switch (name) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double({ noNaN: true });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
    case 'string':
      return text;
    default:
      return bytes;
  }
}

function typeArb(s: SchemaUnderTest, t: FieldType, v: number, mod: GeneratedModule): fc.Arbitrary<unknown> {
  if (t.kind === 'scalar') return scalar(t.name);
  if (t.kind === 'array') return fc.array(typeArb(s, t.element, v, mod), { maxLength: 3 });
  return structArb(s, s.ctx.structs.get(t.struct)!, v, mod);
}

function fieldArb(s: SchemaUnderTest, f: Field, v: number, mod: GeneratedModule): fc.Arbitrary<unknown> | null {
  const present = contains(regularVersions(s.ctx, f), v) || (isTagged(f) && contains(taggedVersions(s.ctx, f), v));
  if (!present) return null;
  const base = typeArb(s, f.type, v, mod);
  const nullable = contains(f.nullable, v) && canBeNull(s.ctx, f);
  return nullable ? fc.option(base, { nil: null, freq: 4 }) : base;
}

/** Values of struct `st` valid at version v: present fields random, absent fields at their default. */
export function structArb(s: SchemaUnderTest, st: Struct, v: number, mod: GeneratedModule): fc.Arbitrary<unknown> {
  const makeDefault = mod[`default${st.typeName}`] as () => Record<string, unknown>;
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of st.fields) {
    const arb = fieldArb(s, f, v, mod);
    if (arb) parts[f.name] = arb;
  }
  return fc.record(parts).map((values) => ({ ...makeDefault(), ...values }));
}
