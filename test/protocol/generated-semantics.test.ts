/**
 * The version rules of generated codecs, on hand-picked messages: absent fields, ignorable fields,
 * nullability, tagged fields (known and unknown), header versions, and exact bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../../src/protocol/wire/reader.js';
import { Writer } from '../../src/protocol/wire/writer.js';
import { EncodeError, DecodeError } from '../../src/protocol/wire/decode-error.js';
import {
  decodeProduceRequest, encodeProduceRequest, type ProduceRequest,
} from '../../src/protocol/generated/messages/ProduceRequest.js';
import {
  decodeFetchRequest, defaultFetchRequest, encodeFetchRequest,
} from '../../src/protocol/generated/messages/FetchRequest.js';
import { decodeMetadataRequest, encodeMetadataRequest } from '../../src/protocol/generated/messages/MetadataRequest.js';
import { encodeApiVersionsResponse } from '../../src/protocol/generated/messages/ApiVersionsResponse.js';
import { decodeRequestHeader, encodeRequestHeader } from '../../src/protocol/generated/messages/RequestHeader.js';
import {
  API_DEFINITIONS, ApiKey, requestHeaderVersion, responseHeaderVersion,
} from '../../src/protocol/generated/api-registry.js';
import { ErrorCode, errorInfo, KAFKA_ERRORS } from '../../src/protocol/generated/error-codes.js';

function bytesOf(write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return w.toBuffer();
}

const produce: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }],
};

test('Produce v3 encodes to the exact classic layout', () => {
  const b = bytesOf((w) => encodeProduceRequest(w, produce, 3));
  const expected = Buffer.from([
    0xff, 0xff, // transactional id: null string
    0xff, 0xff, // acks -1
    0, 0, 0x75, 0x30, // timeout 30000
    0, 0, 0, 1, 0, 1, 0x74, // one topic named "t"
    0, 0, 0, 1, 0, 0, 0, 0, // one partition, index 0
    0, 0, 0, 3, 1, 2, 3, // records: 3 bytes
  ]);
  assert.deepEqual(b, expected);
});

test('Produce v9 uses compact encodings and empty tagged-field sections', () => {
  const b = bytesOf((w) => encodeProduceRequest(w, produce, 9));
  const expected = Buffer.from([
    0x00, // transactional id: compact null
    0xff, 0xff, 0, 0, 0x75, 0x30,
    0x02, 0x02, 0x74, // compact array of 1 topic, compact string "t"
    0x02, 0, 0, 0, 0, 0x04, 1, 2, 3, 0x00, // 1 partition, index 0, records (len+1 = 4), tags
    0x00, // topic tags
    0x00, // request tags
  ]);
  assert.deepEqual(b, expected);
  assert.deepStrictEqual(decodeProduceRequest(new Reader(b), 9), produce);
});

test('records are decoded as a zero-copy slice of the frame', () => {
  const b = bytesOf((w) => encodeProduceRequest(w, produce, 9));
  const decoded = decodeProduceRequest(new Reader(b), 9);
  const records = decoded.topicData[0]!.partitionData[0]!.records!;
  assert.equal(records.buffer, b.buffer);
  b[b.length - 6] = 9;
  assert.equal(records[0], 9);
});

test('a non-ignorable field with a non-default value cannot be encoded where it does not exist', () => {
  assert.throws(
    () => bytesOf((w) => encodeProduceRequest(w, { ...produce, transactionalId: 'tx' }, 2)),
    (e: unknown) => e instanceof EncodeError && e.code === 'UNSUPPORTED_VERSION',
  );
  // the default value is fine
  bytesOf((w) => encodeProduceRequest(w, { ...produce, transactionalId: null }, 2));
});

test('an ignorable field is dropped silently where it does not exist', () => {
  // FetchRequest.RackId exists from v11 and is ignorable.
  const b = bytesOf((w) => encodeFetchRequest(w, { ...defaultFetchRequest(), rackId: 'rack-1' }, 10));
  assert.equal(decodeFetchRequest(new Reader(b), 10).rackId, '');
  // MetadataRequest.AllowAutoTopicCreation (v4+) is not ignorable: false cannot be sent at v3.
  assert.throws(
    () => bytesOf((w) => encodeMetadataRequest(w, { topics: [], allowAutoTopicCreation: false }, 3)),
    (e: unknown) => e instanceof EncodeError && e.code === 'UNSUPPORTED_VERSION',
  );
});

test('null is rejected where a field is not nullable, and accepted where it is', () => {
  // MetadataRequest.Topics is nullable from v1; in v0 an empty array means all topics.
  assert.throws(
    () => bytesOf((w) => encodeMetadataRequest(w, { topics: null }, 0)),
    (e: unknown) => e instanceof EncodeError && e.code === 'NOT_NULLABLE',
  );
  const b = bytesOf((w) => encodeMetadataRequest(w, { topics: null }, 1));
  assert.deepEqual(b, Buffer.from([0xff, 0xff, 0xff, 0xff]));
  assert.equal(decodeMetadataRequest(new Reader(b), 1).topics, null);
});

test('a negative length where null is not allowed is a DecodeError', () => {
  assert.throws(
    () => decodeMetadataRequest(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])), 0),
    (e: unknown) => e instanceof DecodeError && e.code === 'NEGATIVE_LENGTH',
  );
});

test('known tagged fields are decoded and unknown ones are kept and written back', () => {
  const req = { ...defaultFetchRequest(), clusterId: 'abc', replicaId: -1 };
  const b = bytesOf((w) => encodeFetchRequest(w, req, 12));
  const decoded = decodeFetchRequest(new Reader(b), 12);
  assert.equal(decoded.clusterId, 'abc');
  // append an unknown tag (7) with two bytes by rewriting the final tagged section
  // the request ends with its tagged section: count 1, tag 0, size 4, compact string "abc"
  assert.deepEqual(b.subarray(b.length - 7), Buffer.from([1, 0, 4, 4, 0x61, 0x62, 0x63]));
  const withUnknown = Buffer.concat([
    b.subarray(0, b.length - 7),
    Buffer.from([2, 0, 4, 4, 0x61, 0x62, 0x63, 7, 2, 0xbe, 0xef]),
  ]);
  const d2 = decodeFetchRequest(new Reader(withUnknown), 12);
  assert.equal(d2.clusterId, 'abc');
  assert.deepEqual(d2._unknownTaggedFields, [{ tag: 7, data: Buffer.from([0xbe, 0xef]) }]);
  assert.deepEqual(bytesOf((w) => encodeFetchRequest(w, d2, 12)), withUnknown);
});

test('a tagged field at its default is not written', () => {
  const b = bytesOf((w) => encodeFetchRequest(w, { ...defaultFetchRequest(), clusterId: null }, 12));
  assert.equal(b[b.length - 1], 0, 'empty tagged section');
});

test('request header v0/v1/v2 and the ClientId that stays a classic string', () => {
  const h = { requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'ab' };
  assert.deepEqual(bytesOf((w) => encodeRequestHeader(w, h, 0)), Buffer.from([0, 18, 0, 3, 0, 0, 0, 7]));
  assert.deepEqual(
    bytesOf((w) => encodeRequestHeader(w, h, 2)),
    Buffer.from([0, 18, 0, 3, 0, 0, 0, 7, 0, 2, 0x61, 0x62, 0]),
  );
  assert.deepEqual(decodeRequestHeader(new Reader(Buffer.from([0, 18, 0, 3, 0, 0, 0, 7, 0xff, 0xff])), 1).clientId, null);
});

test('header versions follow the flexible versions, with the ApiVersions and ControlledShutdown exceptions', () => {
  assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
  assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
  assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 0), 0);
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
  assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
  assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
});

test('the registry defines API keys 0-87 with their version ranges', () => {
  for (let k = 0; k <= 87; k++) assert.ok(API_DEFINITIONS.has(k), `API key ${k}`);
  const fetch = API_DEFINITIONS.get(ApiKey.Fetch)!;
  assert.equal(fetch.name, 'Fetch');
  assert.equal(fetch.requestFlexibleMin, 12);
  assert.ok(fetch.maxVersion >= 16);
});

test('ApiVersions v3 response bytes carry tagged fields after the api keys', () => {
  const b = bytesOf((w) =>
    encodeApiVersionsResponse(w, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }], throttleTimeMs: 0 }, 3),
  );
  assert.deepEqual(b, Buffer.from([0, 0, 2, 0, 0, 0, 3, 0, 9, 0, 0, 0, 0, 0, 0]));
});

test('the error-code table is typed and complete', () => {
  assert.equal(ErrorCode.NONE, 0);
  assert.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3);
  assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35);
  assert.equal(errorInfo(6)?.name, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(errorInfo(6)?.retriable, true);
  assert.equal(errorInfo(-1)?.name, 'UNKNOWN_SERVER_ERROR');
  assert.equal(errorInfo(10_000), undefined);
  assert.ok(KAFKA_ERRORS.length > 100);
});
