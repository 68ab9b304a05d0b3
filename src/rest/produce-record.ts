/**
 * One record of REST Proxy's produce request, checked and turned into a producer record:
 *
 *   {partition_id?, headers?: [{name, value: base64|null}], key?: {type, data}, value?: {type, data},
 *    timestamp?: ISO 8601}
 *
 * `type` is BINARY (data is base64), JSON (any JSON value, written as its JSON text) or STRING.
 * Key or value absent, null, or with null data: a null key or value. Schema formats (AVRO,
 * JSONSCHEMA, PROTOBUF, or schema_id / schema_version / subject without a type) are refused with
 * a message saying so.
 *
 * Contract: pure; throws RestError 400 naming the field.
 */
import type { ProducerRecord } from '../client/producer/index.js';
import { RestError } from './rest-errors.js';

export type DataType = 'BINARY' | 'JSON' | 'STRING';

export interface ParsedRecord {
  record: ProducerRecord;
  keyType: DataType | null;
  valueType: DataType | null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(message: string): RestError {
  return new RestError(400, 400, `Bad Request: ${message}`);
}

function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/\s/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw bad(`${what} is not a base64 string.`);
  return Buffer.from(compact, 'base64');
}

function data(v: unknown, what: 'key' | 'value'): { bytes: Buffer | null; type: DataType | null } {
  if (v === undefined || v === null) return { bytes: null, type: null };
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} must be an object {type, data}.`);
  const d = v as Record<string, unknown>;
  const type = typeof d.type === 'string' ? d.type.toUpperCase() : undefined;
  if (type === undefined) {
    if ('schema_id' in d || 'schema_version' in d || 'subject' in d || 'schema' in d || 'subject_name_strategy' in d || 'data' in d) {
      throw bad(`${what}: records with a schema (schema_id, schema_version, subject) are not supported yet; give ${what}.type BINARY, JSON or STRING.`);
    }
    throw bad(`${what}.type is required: BINARY, JSON or STRING.`);
  }
  if (type === 'AVRO' || type === 'JSONSCHEMA' || type === 'PROTOBUF') throw bad(`${what}.type ${type} needs the schema registry, which this broker does not serve yet; use BINARY, JSON or STRING.`);
  if (type !== 'BINARY' && type !== 'JSON' && type !== 'STRING') throw bad(`${what}.type must be BINARY, JSON or STRING, not ${String(d.type)}.`);
  if (d.data === undefined || d.data === null) return { bytes: null, type };
  if (type === 'BINARY') {
    if (typeof d.data !== 'string') throw bad(`data=${JSON.stringify(d.data)} is not a base64 string.`);
    return { bytes: decodeBase64(d.data, `data=${d.data}`), type };
  }
  if (type === 'STRING') {
    if (typeof d.data !== 'string') throw bad(`${what}.data must be a string for type STRING.`);
    return { bytes: Buffer.from(d.data, 'utf8'), type };
  }
  return { bytes: Buffer.from(JSON.stringify(d.data), 'utf8'), type };
}

export function parseProduceRecord(body: unknown): ParsedRecord {
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
  const key = data(b.key, 'key');
  const value = data(b.value, 'value');
  record.key = key.bytes;
  record.value = value.bytes;
  return { record, keyType: key.type, valueType: value.type };
}
