/**
 * Per-field facts the emitters need: the TypeScript type, the default value as an expression,
 * the minimum encoded size of an array element, and the version ranges in which a field is
 * a regular field, a tagged field, nullable and flexible.
 */
import type { Field, FieldType, Message, Struct } from './schema.js';
import { EMPTY, intersect, isEmpty, type VersionRange } from './versions.js';

export interface EmitContext {
  msg: Message;
  structs: Map<string, Struct>;
}

export function structOf(ctx: EmitContext, name: string): Struct {
  const s = ctx.structs.get(name);
  if (!s) throw new Error(`${ctx.msg.name}: unknown struct ${name}`);
  return s;
}

/** Versions (within the message's valid range) in which the field sits in the regular sequence. */
export function regularVersions(ctx: EmitContext, f: Field): VersionRange {
  const within = intersect(f.versions, ctx.msg.valid);
  if (isEmpty(f.tagged)) return within;
  if (f.tagged.min <= within.min) return EMPTY;
  return intersect(within, { min: within.min, max: f.tagged.min - 1 });
}

export function taggedVersions(ctx: EmitContext, f: Field): VersionRange {
  return intersect(intersect(f.tagged, f.versions), ctx.msg.valid);
}

export function isTagged(f: Field): boolean {
  return !isEmpty(f.tagged) && f.tag !== undefined;
}

/** True when the field can hold null in some valid version. */
export function canBeNull(ctx: EmitContext, f: Field): boolean {
  return !isEmpty(intersect(intersect(f.nullable, f.versions), ctx.msg.valid)) || f.defaultRaw === 'null';
}

/** True when a value may be omitted from an object of this struct (not in every version, or tagged). */
export function isOptional(ctx: EmitContext, f: Field): boolean {
  const r = regularVersions(ctx, f);
  return isTagged(f) || r.min !== ctx.msg.valid.min || r.max !== ctx.msg.valid.max;
}

export function flexibleVersionsOf(ctx: EmitContext, f: Field): VersionRange {
  return f.flexibleOverride ?? ctx.msg.flexible;
}

function scalarTsType(name: string): string {
  switch (name) {
    case 'bool':
      return 'boolean';
    case 'int64':
      return 'bigint';
    case 'uuid':
    case 'string':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    default:
      return 'number';
  }
}

export function elementTsType(ctx: EmitContext, t: FieldType): string {
  if (t.kind === 'scalar') return scalarTsType(t.name);
  if (t.kind === 'struct') return structOf(ctx, t.struct).typeName;
  return `${elementTsType(ctx, t.element)}[]`;
}

export function tsType(ctx: EmitContext, f: Field): string {
  const base = elementTsType(ctx, f.type);
  return canBeNull(ctx, f) ? `${base} | null` : base;
}

function numericDefault(raw: string | number | boolean | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (typeof raw === 'number') return raw;
  const s = String(raw).trim();
  const n = /^-?0x/i.test(s) ? Number.parseInt(s, 16) : Number(s);
  if (!Number.isFinite(n)) throw new Error(`bad numeric default ${raw}`);
  return n;
}

/** A TypeScript expression producing a fresh default value for the field. */
export function defaultExpr(ctx: EmitContext, f: Field): string {
  const raw = f.defaultRaw;
  if (raw === 'null') return 'null';
  const t = f.type;
  if (t.kind === 'array') return '[]';
  if (t.kind === 'struct') return `default${structOf(ctx, t.struct).typeName}()`;
  switch (t.name) {
    case 'bool':
      return String(raw === true || raw === 'true');
    case 'int64':
      return `${BigInt(raw === undefined || raw === '' ? 0 : String(raw).trim())}n`;
    case 'string':
      return JSON.stringify(raw === undefined ? '' : String(raw));
    case 'uuid':
      return 'ZERO_UUID';
    case 'bytes':
      return 'Buffer.alloc(0)';
    case 'records':
      return canBeNull(ctx, f) ? 'null' : 'Buffer.alloc(0)';
    default:
      return String(numericDefault(raw));
  }
}

/** Smallest number of bytes one array element can take, used to reject impossible counts. */
export function minElementSize(t: FieldType): number {
  if (t.kind !== 'scalar') return 1;
  switch (t.name) {
    case 'int16':
    case 'uint16':
      return 2;
    case 'int32':
      return 4;
    case 'int64':
    case 'float64':
      return 8;
    case 'uuid':
      return 16;
    default:
      return 1;
  }
}
