/**
 * How the console shows a record's bytes: base64 always (the browser renders hex from it), and
 * the text when the bytes are valid UTF-8 (the browser pretty-prints it when it parses as JSON).
 * Payloads over 64 KiB are cut, and say so.
 *
 * Contract: pure.
 */
import type { ConsumerRecord } from '../../client/consumer/types.js';

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

export function recordView(r: ConsumerRecord, offset: bigint) {
  return {
    partition: r.partition,
    offset: Number(offset),
    timestamp: r.timestamp,
    key: bytesView(r.key),
    value: bytesView(r.value),
    headers: r.headers.map(([key, value]) => ({ key, value: bytesView(value) })),
  };
}

export type RecordView = ReturnType<typeof recordView>;
