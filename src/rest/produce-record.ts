/**
 * One record of REST Proxy's produce request, checked and turned into a producer record:
 *
 *   {partition_id?, headers?: [{name, value: base64|null}], key?: {type, data}, value?: {type, data},
 *    timestamp?: ISO 8601}
 *
 * `type` is BINARY (data is base64), JSON (any JSON value, written as its JSON text) or STRING.
 * Key or value absent, null, or with null data: a null key or value. Schema formats (AVRO,
 * JSONSCHEMA, PROTOBUF, or schema_id / schema_version / subject / schema without a type) are
 * serialized by `schemas` (schema-serializer.ts), through the broker's registry.
 *
 * Contract: pure; throws RestError 400 naming the field.
 */
import type { ProducerRecord } from '../client/producer/index.js';
import { RestError } from './rest-errors.js';

export type DataType = 'BINARY' | 'JSON' | 'STRING';

/** What a report says of a key or value: its type and size, and for schema types the schema. */
export interface DataReport {
  type: string;
  size?: number;
  subject?: string;
  schema_id?: number;
  schema_version?: number;
}

export interface ParsedRecord {
  record: ProducerRecord;
  key: DataReport | null;
  value: DataReport | null;
}

/** Serializes a schema-typed key or value (absent: schema types are refused). */
export type SchemaData = (isKey: boolean, d: Record<string, unknown>) => Promise<{ bytes: Buffer | null } & DataReport>;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(message: string): RestError {
  return new RestError(400, 400, `Bad Request: ${message}`);
}

function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/\s/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw bad(`${what} is not a base64 string.`);
  return Buffer.from(compact, 'base64');
}

async function data(v: unknown, what: 'key' | 'value', schemas: SchemaData | undefined): Promise<{ bytes: Buffer | null; report: DataReport | null }> {
  if (v === undefined || v === null) return { bytes: null, report: null };
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} must be an object {type, data}.`);
  const d = v as Record<string, unknown>;
  const type = typeof d.type === 'string' ? d.type.toUpperCase() : undefined;
  if (type === undefined || type === 'AVRO' || type === 'JSONSCHEMA' || type === 'PROTOBUF') {
    if (!schemas) throw bad(`${what}: schema-typed data needs the schema registry, which this broker does not serve (http.schema.registry.enable); use BINARY, JSON or STRING.`);
    const { bytes, ...report } = await schemas(what === 'key', d);
    return { bytes, report: { ...report, size: bytes?.length ?? 0 } };
  }
  if (type !== 'BINARY' && type !== 'JSON' && type !== 'STRING') throw bad(`${what}.type must be BINARY, JSON, STRING, AVRO, JSONSCHEMA or PROTOBUF, not ${String(d.type)}.`);
  const plain = plainData(d, type, what);
  return { bytes: plain, report: { type, size: plain?.length ?? 0 } };
}

function plainData(d: Record<string, unknown>, type: DataType, what: 'key' | 'value'): Buffer | null {
  if (d.data === undefined || d.data === null) return null;
  if (type === 'BINARY') {
    if (typeof d.data !== 'string') throw bad(`data=${JSON.stringify(d.data)} is not a base64 string.`);
    return decodeBase64(d.data, `data=${d.data}`);
  }
  if (type === 'STRING') {
    if (typeof d.data !== 'string') throw bad(`${what}.data must be a string for type STRING.`);
    return Buffer.from(d.data, 'utf8');
  }
  return Buffer.from(JSON.stringify(d.data), 'utf8');
}

export async function parseProduceRecord(body: unknown, schemas?: SchemaData): Promise<ParsedRecord> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('each record must be a JSON object.');
  const b = body as Record<string, unknown>;
  const record: ProducerRecord = { value: null };
  if (b.partition_id !== undefined && b.partition_id !== null) {
    if (!Number.isInteger(b.partition_id) || (b.partition_id as number) < 0) throw bad(`partition_id must be a non-negative integer, not ${JSON.stringify(b.partition_id)}.`);
    record.partition = b.partition_id as number;
  }
  if (b.headers !== undefined && b.headers !== null) {
    if (!Array.isArray(b.headers)) throw bad('headers must be a list of {name, value}.');
    record.headers = b.headers.map((h: unknown, i: number) => {
      const { name, value } = (h ?? {}) as { name?: unknown; value?: unknown };
      if (typeof name !== 'string') throw bad(`headers[${i}].name is required.`);
      if (value === null || value === undefined) return [name, null] as const;
      if (typeof value !== 'string') throw bad(`headers[${i}].value must be a base64 string.`);
      return [name, decodeBase64(value, `headers[${i}].value`)] as const;
    });
  }
  if (b.timestamp !== undefined && b.timestamp !== null) {
    const ms = typeof b.timestamp === 'string' ? Date.parse(b.timestamp) : NaN;
    if (!Number.isFinite(ms) || ms < 0) throw bad(`timestamp must be an ISO 8601 date-time, not ${JSON.stringify(b.timestamp)}.`);
    record.timestamp = ms;
  }
  const key = await data(b.key, 'key', schemas);
  const value = await data(b.value, 'value', schemas);
  record.key = key.bytes;
  record.value = value.bytes;
  return { record, key: key.report, value: value.report };
}
