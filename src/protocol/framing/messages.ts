/**
 * Whole request and response frames: header plus body, for any API key and version, through the
 * generated registry. Sans-io: frames in and out are Buffers (without the int32 size prefix on
 * input; encoders return chunks including it, ready for a vectored socket write).
 */
import { DecodeError } from '../wire/decode-error.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import {
  API_DEFINITIONS, requestHeaderVersion, responseHeaderVersion, type ApiDefinition,
} from '../generated/api-registry.js';
import { decodeRequestHeader, encodeRequestHeader, type RequestHeader } from '../generated/messages/RequestHeader.js';
import { decodeResponseHeader, encodeResponseHeader } from '../generated/messages/ResponseHeader.js';

export interface DecodedRequestHeader {
  header: RequestHeader;
  headerVersion: number;
  /** A reader positioned at the first byte of the request body. */
  body: Reader;
}

export function apiOf(apiKey: number): ApiDefinition {
  const def = API_DEFINITIONS.get(apiKey);
  if (!def) throw new DecodeError('UNKNOWN_API_KEY', `unknown API key ${apiKey}`);
  return def;
}

/** Decodes the request header of a frame; the body is left for the handler to decode. */
export function decodeRequestFrameHeader(frame: Buffer): DecodedRequestHeader {
  if (frame.length < 4) throw new DecodeError('TRUNCATED', `request frame of ${frame.length} bytes has no header`);
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const body = new Reader(frame);
  const header = decodeRequestHeader(body, headerVersion);
  return { header, headerVersion, body };
}

/** Decodes a request body at the header's version (unknown keys and versions raise DecodeError). */
export function decodeRequestBody(apiKey: number, apiVersion: number, body: Reader): unknown {
  return apiOf(apiKey).decodeRequest(body, apiVersion);
}

function sizePrefixed(w: Writer): Buffer[] {
  const chunks = w.toChunks();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  return [size, ...chunks];
}

/** A complete size-prefixed response frame for `body`, as chunks. */
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer[] {
  const w = new Writer(512);
  encodeResponseHeader(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion));
  apiOf(apiKey).encodeResponse(w, body, apiVersion);
  return sizePrefixed(w);
}

/** A complete size-prefixed request frame for `body`, as chunks. */
export function encodeRequestFrame(
  apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: unknown,
): Buffer[] {
  const w = new Writer(512);
  const header: RequestHeader = { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId };
  encodeRequestHeader(w, header, requestHeaderVersion(apiKey, apiVersion));
  apiOf(apiKey).encodeRequest(w, body, apiVersion);
  return sizePrefixed(w);
}

/** Decodes a response frame (without size prefix) for a request of the given key and version. */
export function decodeResponseFrame(
  apiKey: number, apiVersion: number, frame: Buffer,
): { correlationId: number; body: unknown } {
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = apiOf(apiKey).decodeResponse(r, apiVersion);
  return { correlationId, body };
}

/** The correlation id of a response frame, read without decoding anything else. */
export function peekCorrelationId(frame: Buffer): number {
  if (frame.length < 4) throw new DecodeError('TRUNCATED', 'response frame shorter than its correlation id');
  return frame.readInt32BE(0);
}
