/**
 * Runtime helpers shared by the generated message codecs (src/protocol/generated): version checks,
 * tagged-field sections, default comparison and the errors the encoders raise. Sans-io.
 */
import { DecodeError, EncodeError } from './decode-error.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** A tagged field kept as raw bytes: either unknown to this schema or already encoded. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

export function checkDecodeVersion(message: string, version: number, min: number, max: number): void {
  if (!(version >= min && version <= max)) {
    throw new DecodeError('UNSUPPORTED_VERSION', `${message} has no version ${version} (valid ${min}-${max})`);
  }
}

export function checkEncodeVersion(message: string, version: number, min: number, max: number): void {
  if (!(version >= min && version <= max)) {
    throw new EncodeError('UNSUPPORTED_VERSION', `${message} has no version ${version} (valid ${min}-${max})`);
  }
}

export function unsupportedField(struct: string, field: string, version: number): EncodeError {
  return new EncodeError(
    'UNSUPPORTED_VERSION',
    `${struct}.${field} holds a non-default value but does not exist at version ${version}`,
  );
}

export function notNullable(struct: string, field: string, version: number): EncodeError {
  return new EncodeError('NOT_NULLABLE', `${struct}.${field} cannot be null at version ${version}`);
}

/** Reads a tagged-field section keeping every field as raw bytes. */
export function readUnknownTaggedFields(r: Reader): TaggedField[] | undefined {
  const count = r.uvarint();
  let fields: TaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const data = r.raw(r.uvarint());
    (fields ??= []).push({ tag, data });
  }
  return fields;
}

/** Writes a tagged-field section: known (already encoded) and unknown fields, in ascending tag order. */
export function writeTaggedFields(w: Writer, known: TaggedField[], unknown: TaggedField[] | undefined): void {
  const all = unknown && unknown.length > 0 ? [...known, ...unknown].sort((a, b) => a.tag - b.tag) : known;
  w.uvarint(all.length);
  for (const f of all) {
    w.uvarint(f.tag);
    w.uvarint(f.data.length);
    w.raw(f.data);
  }
}

/** Encodes one tagged field's value with `write` and returns it as a TaggedField. */
export function encodeTagged(tag: number, write: (w: Writer) => void): TaggedField {
  const w = new Writer(64);
  write(w);
  return { tag, data: w.toBuffer() };
}

/** Structural equality used to decide whether a value equals its field's default. */
export function isDefaultValue(value: unknown, def: unknown): boolean {
  if (value === def) return true;
  if (value === null || def === null || value === undefined || def === undefined) return false;
  if (Buffer.isBuffer(value) || Buffer.isBuffer(def)) {
    return Buffer.isBuffer(value) && Buffer.isBuffer(def) && value.equals(def);
  }
  if (Array.isArray(value) || Array.isArray(def)) {
    if (!Array.isArray(value) || !Array.isArray(def) || value.length !== def.length) return false;
    return value.every((v, i) => isDefaultValue(v, def[i]));
  }
  if (typeof value === 'object' && typeof def === 'object') {
    const a = value as Record<string, unknown>;
    const b = def as Record<string, unknown>;
    return Object.keys(b).every((k) => k === '_unknownTaggedFields' || isDefaultValue(a[k], b[k]));
  }
  return false;
}

/** The all-zero UUID, Kafka's default and "no id" value. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
