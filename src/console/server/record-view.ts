/**
 * How the console shows a record's bytes: base64 always (the browser renders hex from it), and
 * the text when the bytes are valid UTF-8 (the browser pretty-prints it when it parses as JSON).
 * Payloads over 64 KiB are cut, and say so.
 *
 * Contract: pure.
 */
import type { ConsumerRecord } from '../../client/consumer/types.js';
import type { JsonOf } from '../../query/record-filter.js';

const MAX_SHOWN = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface BytesView {
  size: number;
  base64: string;
  /** The bytes as text, when they are valid UTF-8. */
  text?: string;
  /** true when only the first 64 KiB are shown. */
  truncated?: boolean;
}

export function bytesView(bytes: Buffer | null): BytesView | null {
  if (bytes === null) return null;
  const shown = bytes.length > MAX_SHOWN ? bytes.subarray(0, MAX_SHOWN) : bytes;
  const view: BytesView = { size: bytes.length, base64: shown.toString('base64') };
  try {
    view.text = utf8.decode(shown);
  } catch {
    // binary: base64 only
  }
  if (shown !== bytes) view.truncated = true;
  return view;
}

/** A value in the schema registry's wire format, decoded: its schema id and the record as JSON. */
function decodedValue(value: Buffer | null, jsonOf: JsonOf | undefined): { schemaId: number; json: unknown } | undefined {
  if (!jsonOf || value === null || value.length < 5 || value[0] !== 0) return undefined;
  const json = jsonOf(value);
  return json === undefined ? undefined : { schemaId: value.readInt32BE(1), json };
}

export function recordView(r: ConsumerRecord, offset: bigint, jsonOf?: JsonOf) {
  const decoded = decodedValue(r.value, jsonOf);
  return {
    partition: r.partition,
    offset: Number(offset),
    timestamp: r.timestamp,
    key: bytesView(r.key),
    value: bytesView(r.value),
    ...(decoded ? { decoded } : {}),
    headers: r.headers.map(([key, value]) => ({ key, value: bytesView(value) })),
  };
}

export type RecordView = ReturnType<typeof recordView>;
