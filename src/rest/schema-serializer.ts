/**
 * Schema-typed keys and values of REST produce (AVRO, JSONSCHEMA, PROTOBUF, or no type with
 * schema_id / schema_version / subject): the schema is found in the broker's registry — given raw
 * (`schema`, registered under the subject first), by `schema_id`, by `schema_version` of the
 * subject, or the subject's latest — and `data` is serialized in the registry's wire format: a
 * zero byte, the 4-byte schema id, then the Avro binary, the JSON text, or (for Protobuf) the
 * message-index path [0] and the first message's encoding. The subject is `subject`, else
 * `subject_name_strategy` (TOPIC_NAME, the default: `<topic>-key` or `<topic>-value`;
 * RECORD_NAME: the schema's record name; TOPIC_RECORD_NAME: both).
 *
 * Contract: one per request; throws RestError naming what is missing or invalid.
 */
import AjvModule from 'ajv';
import protobuf from 'protobufjs';
import type { ClientSession } from '../http/client-sessions.js';
import type { AvroSchema } from '../registry/formats/avro-format.js';
import type { JsonSchema } from '../registry/formats/json-schema-format.js';
import type { ProtobufSchema } from '../registry/formats/protobuf-format.js';
import type { SchemaType } from '../registry/formats/index.js';
import type { Registry } from '../registry/registry.js';
import { RegistryError } from '../registry/registry-errors.js';
import type { StoredSchema } from '../registry/schema-store.js';
import { RestError } from './rest-errors.js';

const Ajv = AjvModule.default;
const FORMAT_OF: Record<string, SchemaType> = { AVRO: 'AVRO', JSONSCHEMA: 'JSON', PROTOBUF: 'PROTOBUF' };
const TYPE_OF: Record<SchemaType, string> = { AVRO: 'AVRO', JSON: 'JSONSCHEMA', PROTOBUF: 'PROTOBUF' };

export interface SerializedData {
  bytes: Buffer | null;
  type: string;
  subject: string;
  schema_id: number;
  schema_version: number;
}

const bad = (message: string) => new RestError(400, 400, `Bad Request: ${message}`);

function recordName(stored: Pick<StoredSchema, 'schema' | 'schemaType'>): string {
  try {
    if (stored.schemaType === 'PROTOBUF') {
      const root = protobuf.parse(stored.schema, { keepCase: true }).root;
      const first = (function find(ns: protobuf.NamespaceBase): protobuf.Type | undefined {
        for (const n of ns.nestedArray) {
          if (n instanceof protobuf.Type) return n;
          if (n instanceof protobuf.Namespace) {
            const t = find(n);
            if (t) return t;
          }
        }
        return undefined;
      })(root);
      return first?.fullName.replace(/^\./, '') ?? '';
    }
    const s = JSON.parse(stored.schema) as { name?: string; namespace?: string; title?: string };
    if (stored.schemaType === 'JSON') return s.title ?? '';
    return s.name?.includes('.') || !s.namespace ? s.name ?? '' : `${s.namespace}.${s.name}`;
  } catch {
    return '';
  }
}

export class SchemaSerializer {
  constructor(private readonly registry: Registry, private readonly session: ClientSession) {}

  private subjectOf(topic: string, isKey: boolean, d: Record<string, unknown>, schema: Pick<StoredSchema, 'schema' | 'schemaType'> | undefined): string {
    if (typeof d.subject === 'string' && d.subject !== '') return d.subject;
    const strategy = (d.subject_name_strategy ?? 'TOPIC_NAME') as string;
    if (strategy === 'TOPIC_NAME') return `${topic}-${isKey ? 'key' : 'value'}`;
    if (strategy !== 'RECORD_NAME' && strategy !== 'TOPIC_RECORD_NAME') throw bad(`subject_name_strategy must be TOPIC_NAME, RECORD_NAME or TOPIC_RECORD_NAME, not ${strategy}`);
    const name = schema ? recordName(schema) : '';
    if (!name) throw bad(`subject_name_strategy ${strategy} needs a schema with a record name (give schema, or subject)`);
    return strategy === 'RECORD_NAME' ? name : `${topic}-${name}`;
  }

  async serialize(topic: string, isKey: boolean, d: Record<string, unknown>): Promise<SerializedData> {
    const what = isKey ? 'key' : 'value';
    const wanted = typeof d.type === 'string' ? FORMAT_OF[d.type.toUpperCase()] : undefined;
    await this.registry.sync();
    let id: number;
    let subject: string;
    try {
      if (typeof d.schema === 'string') {
        const schemaType = wanted ?? 'AVRO';
        subject = this.subjectOf(topic, isKey, d, { schema: d.schema, schemaType });
        id = await this.registry.register(this.session, subject, { schema: d.schema, schemaType, references: [] });
      } else if (d.schema_id !== undefined && d.schema_id !== null) {
        if (!Number.isInteger(d.schema_id)) throw bad(`${what}.schema_id must be an integer`);
        id = d.schema_id as number;
        subject = this.subjectOf(topic, isKey, d, this.registry.schema(id));
      } else {
        subject = this.subjectOf(topic, isKey, d, undefined);
        const version = d.schema_version === undefined || d.schema_version === null ? 'latest' : String(d.schema_version);
        id = this.registry.version(subject, version).id;
      }
    } catch (e) {
      if (e instanceof RegistryError) throw new RestError(e.status === 409 ? 409 : e.status === 404 ? 404 : 400, e.errorCode, e.message);
      throw e;
    }
    const stored = this.registry.schema(id);
    if (wanted && wanted !== stored.schemaType) throw bad(`${what}.type ${String(d.type)} does not match schema ${id}, which is ${TYPE_OF[stored.schemaType]}`);
    const version = this.registry.store.versions(subject, true).find((v) => v.id === id)?.version ?? -1;
    const head = Buffer.alloc(5);
    head.writeInt32BE(id, 1);
    const data = d.data;
    let payload: Buffer | null;
    if (data === undefined || data === null) payload = null;
    else {
      const parsed = this.registry.parseStored(stored);
      if (stored.schemaType === 'AVRO') {
        const t = (parsed as AvroSchema).avroType;
        const errors: string[] = [];
        if (!t.isValid(data, { errorHook: (path) => void errors.push(path.join('.') || '(root)') })) throw bad(`${what} does not match Avro schema ${id} at ${errors.join(', ')}`);
        payload = Buffer.concat([head, t.toBuffer(data)]);
      } else if (stored.schemaType === 'JSON') {
        const validate = new Ajv({ strict: false, allErrors: true }).compile((parsed as JsonSchema).schema as object);
        if (!validate(data)) throw bad(`${what} does not match JSON schema ${id}: ${new Ajv().errorsText(validate.errors)}`);
        payload = Buffer.concat([head, Buffer.from(JSON.stringify(data), 'utf8')]);
      } else {
        const root = (parsed as ProtobufSchema).root;
        const type = root.lookupType(recordName(stored));
        const problem = type.verify(data as Record<string, unknown>);
        if (problem) throw bad(`${what} does not match Protobuf schema ${id}: ${problem}`);
        payload = Buffer.concat([head, Buffer.from([0]), Buffer.from(type.encode(type.fromObject(data as Record<string, unknown>)).finish())]);
      }
    }
    return { bytes: payload, type: TYPE_OF[stored.schemaType], subject, schema_id: id, schema_version: version };
  }
}
