/**
 * Protobuf schemas (proto2/proto3 text) through protobufjs: parsed with their imports given as
 * references, canonical form from protobufjs's JSON descriptor, and compatibility by the wire
 * format: every message of the writer must still exist in the reader, and a field number in both
 * must keep a type that decodes the same bytes (int32/int64/uint32/uint64/bool/enum are one
 * family, sint32/sint64 another, fixed32/sfixed32/float, fixed64/sfixed64/double, and
 * string/bytes/messages length-delimited) and keep being repeated or not. Fields added or removed
 * are compatible, as in Protobuf.
 */
import protobuf from 'protobufjs';
import { InvalidSchemaError, type ParsedSchema, type SchemaFormat } from './schema-format.js';

export interface ProtobufSchema extends ParsedSchema {
  root: protobuf.Root;
}

const FAMILY: Record<string, string> = {
  int32: 'varint', int64: 'varint', uint32: 'varint', uint64: 'varint', bool: 'varint',
  sint32: 'zigzag', sint64: 'zigzag',
  fixed32: 'i32', sfixed32: 'i32', float: 'i32',
  fixed64: 'i64', sfixed64: 'i64', double: 'i64',
  string: 'len', bytes: 'len',
};

function family(field: protobuf.Field): string {
  const scalar = FAMILY[field.type];
  if (scalar) return field.map ? `map:${field.type}` : scalar;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return 'varint';
  return `message:${resolved?.fullName ?? field.type}`;
}

function messages(ns: protobuf.NamespaceBase, out = new Map<string, protobuf.Type>()): Map<string, protobuf.Type> {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) out.set(nested.fullName, nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) messages(nested, out);
  }
  return out;
}

export const protobufFormat: SchemaFormat<ProtobufSchema> = {
  type: 'PROTOBUF',
  parse(text, references) {
    try {
      const root = new protobuf.Root();
      for (const [name, ref] of references) protobuf.parse(ref, root, { keepCase: true, alternateCommentMode: true }).root.filename = name;
      protobuf.parse(text, root, { keepCase: true, alternateCommentMode: true });
      root.resolveAll();
      if (messages(root).size === 0) throw new Error('no message is defined');
      return { type: 'PROTOBUF', root, canonical: JSON.stringify(root.toJSON()) };
    } catch (e) {
      throw new InvalidSchemaError(`Invalid schema: ${(e as Error).message}`);
    }
  },
  readIncompatibilities(reader, writer) {
    const out: string[] = [];
    const readerMessages = messages(reader.root);
    for (const [name, w] of messages(writer.root)) {
      const r = readerMessages.get(name);
      if (!r) {
        out.push(`message ${name.replace(/^\./, '')} was removed`);
        continue;
      }
      for (const wf of w.fieldsArray) {
        const rf = r.fieldsById[wf.id];
        if (!rf) continue;
        if (family(rf) !== family(wf)) out.push(`${name.replace(/^\./, '')}.${wf.name} (field ${wf.id}): type changed from ${wf.type} to ${rf.type}`);
        else if (rf.repeated !== wf.repeated && family(wf).startsWith('message')) out.push(`${name.replace(/^\./, '')}.${wf.name} (field ${wf.id}): changed between repeated and single`);
      }
    }
    return out;
  },
};
