/**
 * Values as JSON for a query's predicates: a value in the schema registry's wire format (magic
 * byte 0, a 4-byte schema id, then the payload) is decoded with its schema — Avro through avsc,
 * Protobuf through protobufjs (after the message-index path Confluent's serializers write), JSON
 * Schema as the JSON it is — and any other value is parsed as JSON text when it is some. A
 * Protobuf payload without the index path (as some serializers write it) is read as the schema's
 * first message.
 *
 * Contract: one per query; schemas are parsed once each.
 */
import protobuf from 'protobufjs';
import type { AvroSchema } from '../registry/formats/avro-format.js';
import type { ProtobufSchema } from '../registry/formats/protobuf-format.js';
import type { ParsedSchema } from '../registry/formats/index.js';
import type { Registry } from '../registry/registry.js';
import { jsonOfText, type JsonOf } from './record-filter.js';

/** JSON-friendly copies: bigints as numbers when exact (else strings), buffers as base64. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function readZigzagVarint(buf: Buffer, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated message indexes');
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return [(result >>> 1) ^ -(result & 1), pos];
}

/** The message a Confluent Protobuf payload names by its index path, and where the message starts. */
/** The namespace of a Protobuf schema's own messages, in declaration order (parsed once per schema). */
function messageScope(text: string): protobuf.NamespaceBase {
  let scope: protobuf.NamespaceBase = protobuf.parse(text, { keepCase: true }).root;
  while (!(scope instanceof protobuf.Type) && scope.nestedArray.length === 1 && !(scope.nestedArray[0] instanceof protobuf.Type)) scope = scope.nestedArray[0] as protobuf.Namespace;
  return scope;
}

type ProtobufWithScope = ProtobufSchema & { scope: protobuf.NamespaceBase };

function protobufMessage(schema: ProtobufWithScope, payload: Buffer): [protobuf.Type, number] {
  const [count, afterCount] = readZigzagVarint(payload, 0);
  const path: number[] = [];
  let pos = afterCount;
  for (let i = 0; i < count; i++) {
    const [index, next] = readZigzagVarint(payload, pos);
    path.push(index);
    pos = next;
  }
  if (path.length === 0) path.push(0);
  let type: protobuf.Type | undefined;
  for (const index of path) {
    const types = (type ?? schema.scope).nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
    type = types[index];
    if (!type) throw new Error(`no message at index ${index}`);
  }
  return [schema.root.lookupType(type!.fullName), pos];
}

export function registryJsonOf(registry: Registry | undefined): JsonOf {
  if (!registry) return jsonOfText;
  const parsed = new Map<number, ParsedSchema | null>();
  const schemaOf = (id: number) => {
    if (!parsed.has(id)) {
      const stored = registry.store.ids.get(id);
      try {
        const schema = stored ? registry.parseStored(stored) : null;
        parsed.set(id, schema?.type === 'PROTOBUF' ? { ...schema, scope: messageScope(stored!.schema) } as ProtobufWithScope : schema);
      } catch {
        parsed.set(id, null);
      }
    }
    return parsed.get(id)!;
  };
  return (value) => {
    if (value.length < 5 || value[0] !== 0) return jsonOfText(value);
    const schema = schemaOf(value.readInt32BE(1));
    if (!schema) return jsonOfText(value);
    const payload = value.subarray(5);
    try {
      if (schema.type === 'AVRO') return plain((schema as unknown as AvroSchema).avroType.fromBuffer(payload));
      if (schema.type === 'JSON') return JSON.parse(payload.toString('utf8'));
      const pb = schema as ProtobufWithScope;
      const options = { longs: String, enums: String, bytes: String, defaults: true };
      try {
        const [type, start] = protobufMessage(pb, payload);
        return plain(type.toObject(type.decode(payload.subarray(start)), options));
      } catch {
        // some serializers (@kafkajs/confluent-schema-registry) write no message-index path: the
        // payload is the first message
        const [first] = protobufMessage(pb, Buffer.from([0]));
        return plain(first.toObject(first.decode(payload), options));
      }
    } catch {
      return undefined;
    }
  };
}
