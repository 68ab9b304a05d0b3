/**
 * Request frames captured from real clients (kafkajs and librdkafka through kcat, see
 * test/support/capture/capture-fixtures.ts) decode to the values those clients were asked to send,
 * and encoding the decoded values again gives back the captured bytes exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { decompressFrameSync } from 'lz4-napi';
import {
  apiOf, decodeRequestBody, decodeRequestFrameHeader, encodeRequestFrame,
} from '../../src/protocol/framing/messages.js';
import { ApiKey, requestHeaderVersion } from '../../src/protocol/generated/api-registry.js';
import type { ApiVersionsRequest } from '../../src/protocol/generated/messages/ApiVersionsRequest.js';
import type { FetchRequest } from '../../src/protocol/generated/messages/FetchRequest.js';
import type { FindCoordinatorRequest } from '../../src/protocol/generated/messages/FindCoordinatorRequest.js';
import type { HeartbeatRequest } from '../../src/protocol/generated/messages/HeartbeatRequest.js';
import type { JoinGroupRequest } from '../../src/protocol/generated/messages/JoinGroupRequest.js';
import type { ListOffsetsRequest } from '../../src/protocol/generated/messages/ListOffsetsRequest.js';
import type { MetadataRequest } from '../../src/protocol/generated/messages/MetadataRequest.js';
import type { OffsetFetchRequest } from '../../src/protocol/generated/messages/OffsetFetchRequest.js';
import type { ProduceRequest } from '../../src/protocol/generated/messages/ProduceRequest.js';
import type { SyncGroupRequest } from '../../src/protocol/generated/messages/SyncGroupRequest.js';
import { Reader } from '../../src/protocol/wire/reader.js';
import { Writer } from '../../src/protocol/wire/writer.js';

// dist/test/protocol/<this file> -> the repository root is three levels up.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixturesDir = join(repoRoot, 'test', 'fixtures', 'protocol');

const TOPIC = 'fixture-topic';
const GROUP = 'fixture-group';

type Client = 'kafkajs' | 'librdkafka';

interface IndexEntry {
  file: string;
  client: Client;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  headerVersion: number;
  correlationId: number;
  clientId: string | null;
  bytes: number;
  compression?: string;
  recordCount?: number;
}

/** What each client was made to send (see capture-fixtures.ts). */
const EXPECTED: Record<Client, {
  clientId: string;
  codec: number;
  assignors: string[];
  records: Array<{ key: string; value: string; headers: Array<[string, string]> }>;
}> = {
  kafkajs: {
    clientId: 'gregor-fixtures',
    codec: 1, // gzip
    assignors: ['RoundRobinAssigner'],
    records: [
      { key: 'key-1', value: 'value-1', headers: [['fixture-header', 'h1']] },
      { key: 'key-2', value: 'value-2', headers: [['fixture-header', 'h2']] },
    ],
  },
  librdkafka: {
    clientId: 'rdkafka',
    codec: 3, // lz4
    assignors: ['range', 'roundrobin'],
    records: [1, 2].map((i) => ({
      key: `key-${i}`,
      value: `fixture-value-${i} `.repeat(8).trim(),
      headers: [['fixture-header', 'h']] as Array<[string, string]>,
    })),
  },
};

const index = JSON.parse(readFileSync(join(fixturesDir, 'index.json'), 'utf8')) as { fixtures: IndexEntry[] };

interface Decoded<T> {
  entry: IndexEntry;
  frame: Buffer;
  clientId: string | null | undefined;
  apiVersion: number;
  body: T;
  /** Where the body starts in the frame. */
  bodyStart: number;
}

function decodeFixture<T>(entry: IndexEntry): Decoded<T> {
  const frame = readFileSync(join(fixturesDir, entry.file));
  const { header, body: reader } = decodeRequestFrameHeader(frame);
  const bodyStart = reader.pos;
  const body = decodeRequestBody(header.requestApiKey, header.requestApiVersion, reader) as T;
  assert.equal(reader.remaining, 0, `${entry.file}: ${reader.remaining} bytes after the body`);
  return { entry, frame, clientId: header.clientId, apiVersion: header.requestApiVersion, body, bodyStart };
}

function fixture<T>(client: Client, apiKey: ApiKey): Decoded<T> {
  const entry = index.fixtures.find((f) => f.client === client && f.apiKey === apiKey);
  assert.ok(entry, `a ${ApiKey[apiKey]} fixture from ${client}`);
  return decodeFixture<T>(entry);
}

const CLIENTS: Client[] = ['kafkajs', 'librdkafka'];

test('both clients have ApiVersions, Metadata, Produce, Fetch and JoinGroup fixtures', () => {
  for (const client of CLIENTS) {
    for (const key of [ApiKey.ApiVersions, ApiKey.Metadata, ApiKey.Produce, ApiKey.Fetch, ApiKey.JoinGroup]) {
      assert.ok(index.fixtures.some((f) => f.client === client && f.apiKey === key), `${client} ${ApiKey[key]}`);
    }
  }
});

for (const entry of index.fixtures) {
  test(`${entry.file}: header matches the index and the body re-encodes byte for byte`, () => {
    const d = decodeFixture<unknown>(entry);
    const { header } = decodeRequestFrameHeader(d.frame);
    assert.equal(d.frame.length, entry.bytes);
    assert.equal(header.requestApiKey, entry.apiKey);
    assert.equal(header.requestApiVersion, entry.apiVersion);
    assert.equal(entry.file, `${entry.client}/${apiOf(entry.apiKey).name}-v${entry.apiVersion}.bin`);
    assert.equal(header.correlationId, entry.correlationId);
    assert.equal(header.clientId, EXPECTED[entry.client].clientId);
    assert.equal(requestHeaderVersion(entry.apiKey, entry.apiVersion), entry.headerVersion);

    const w = new Writer();
    apiOf(entry.apiKey).encodeRequest(w, d.body, entry.apiVersion);
    assert.deepEqual(w.toBuffer(), d.frame.subarray(d.bodyStart), 'body re-encoded at the same version');

    const whole = Buffer.concat(encodeRequestFrame(
      entry.apiKey, entry.apiVersion, header.correlationId, header.clientId ?? null, d.body,
    ));
    assert.equal(whole.readInt32BE(0), d.frame.length, 'size prefix');
    assert.deepEqual(whole.subarray(4), d.frame, 'whole frame re-encoded');
  });
}

test('ApiVersions: librdkafka names itself (v3+), kafkajs sends an empty body', () => {
  const rd = fixture<ApiVersionsRequest>('librdkafka', ApiKey.ApiVersions);
  assert.ok(rd.apiVersion >= 3);
  assert.equal(rd.body.clientSoftwareName, 'librdkafka');
  assert.match(rd.body.clientSoftwareVersion ?? '', /^\d+\.\d+\.\d+/);
  const js = fixture<ApiVersionsRequest>('kafkajs', ApiKey.ApiVersions);
  assert.ok(js.apiVersion < 3);
  assert.equal(js.bodyStart, js.frame.length);
});

for (const client of CLIENTS) {
  test(`${client} Metadata asks for the fixture topic`, () => {
    const d = fixture<MetadataRequest>(client, ApiKey.Metadata);
    assert.deepEqual(d.body.topics?.map((t) => t.name), [TOPIC]);
    if (d.apiVersion >= 4) assert.equal(d.body.allowAutoTopicCreation, true);
  });

  test(`${client} Produce carries one v2 record batch for partition 0`, () => {
    const d = fixture<ProduceRequest>(client, ApiKey.Produce);
    assert.equal(d.body.acks, -1);
    assert.equal(d.body.transactionalId, null);
    assert.equal(d.body.topicData.length, 1);
    assert.equal(d.body.topicData[0]!.name, TOPIC);
    assert.deepEqual(d.body.topicData[0]!.partitionData.map((p) => p.index), [0]);
    const batch = d.body.topicData[0]!.partitionData[0]!.records;
    assert.ok(batch);

    assert.equal(batch.readBigInt64BE(0), 0n, 'base offset');
    assert.equal(batch.readInt32BE(8), batch.length - 12, 'batch length covers the rest of the bytes');
    assert.equal(batch[16], 2, 'magic');
    assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)), 'CRC-32C over attributes..end');
    const attributes = batch.readInt16BE(21);
    assert.equal(attributes & 0x07, EXPECTED[client].codec, 'compression codec');
    assert.equal(attributes & 0x30, 0, 'neither transactional nor control');
    assert.equal(batch.readInt32BE(23), 1, 'last offset delta');
    assert.equal(batch.readBigInt64BE(43), -1n, 'no producer id');
    assert.equal(batch.readInt32BE(57), 2, 'record count');
    assert.equal(d.entry.recordCount, 2);
    if (client === 'kafkajs') assert.equal(batch.readBigInt64BE(27), 1_700_000_000_000n, 'first timestamp');

    const payload = batch.subarray(61);
    const records = parseRecords(EXPECTED[client].codec === 1 ? gunzipSync(payload) : decompressFrameSync(payload), 2);
    assert.deepEqual(records.map((r) => r.offsetDelta), [0, 1]);
    assert.deepEqual(records.map(({ key, value, headers }) => ({ key, value, headers })), EXPECTED[client].records);
  });

  test(`${client} Fetch asks for partition 0 of the fixture topic from offset 0`, () => {
    const d = fixture<FetchRequest>(client, ApiKey.Fetch);
    assert.equal(d.body.replicaId, -1);
    assert.equal(d.body.topics.length, 1);
    assert.equal(d.body.topics[0]!.topic, TOPIC);
    assert.equal(d.body.topics[0]!.partitions.length, 1);
    const p = d.body.topics[0]!.partitions[0]!;
    assert.equal(p.partition, 0);
    assert.equal(p.fetchOffset, 0n);
    assert.ok(p.partitionMaxBytes > 0);
    if (d.apiVersion >= 7) assert.deepEqual(d.body.forgottenTopicsData, []);
  });

  test(`${client} JoinGroup offers the consumer protocol with its assignors`, () => {
    const d = fixture<JoinGroupRequest>(client, ApiKey.JoinGroup);
    assert.equal(d.body.groupId, GROUP);
    assert.equal(d.body.memberId, '');
    assert.equal(d.body.protocolType, 'consumer');
    assert.ok(d.body.sessionTimeoutMs > 0);
    assert.deepEqual(d.body.protocols.map((p) => p.name), EXPECTED[client].assignors);
    for (const p of d.body.protocols) assert.deepEqual(subscribedTopics(p.metadata), [TOPIC]);
  });

  test(`${client} group requests name the fixture group`, () => {
    const find = fixture<FindCoordinatorRequest>(client, ApiKey.FindCoordinator);
    assert.equal(find.apiVersion <= 3 ? find.body.key : find.body.coordinatorKeys?.[0], GROUP);
    assert.equal(find.body.keyType ?? 0, 0);

    const sync = fixture<SyncGroupRequest>(client, ApiKey.SyncGroup);
    assert.equal(sync.body.groupId, GROUP);
    assert.equal(sync.body.generationId, 1);
    assert.deepEqual(sync.body.assignments.map((a) => a.memberId), [sync.body.memberId]);
    assert.deepEqual(assignedPartitions(sync.body.assignments[0]!.assignment), [[TOPIC, [0]]]);

    const heartbeat = fixture<HeartbeatRequest>(client, ApiKey.Heartbeat);
    assert.equal(heartbeat.body.groupId, GROUP);
    assert.equal(heartbeat.body.memberId, sync.body.memberId);

    const offsets = fixture<OffsetFetchRequest>(client, ApiKey.OffsetFetch);
    assert.equal(offsets.body.groupId, GROUP);
    assert.deepEqual(offsets.body.topics, [{ name: TOPIC, partitionIndexes: [0] }]);

    const list = fixture<ListOffsetsRequest>(client, ApiKey.ListOffsets);
    assert.equal(list.body.topics[0]!.name, TOPIC);
    assert.equal(list.body.topics[0]!.partitions[0]!.partitionIndex, 0);
    assert.equal(list.body.topics[0]!.partitions[0]!.timestamp, -2n, 'earliest');
  });
}

interface ParsedRecord {
  offsetDelta: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

/** The records of an uncompressed v2 batch payload (a test-local reading of the format). */
function parseRecords(data: Buffer, count: number): ParsedRecord[] {
  const r = new Reader(data);
  const text = (n: number): string | null => (n < 0 ? null : r.raw(n).toString('utf8'));
  const out: ParsedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    const end = r.pos + length;
    r.int8(); // attributes
    r.varlong(); // timestamp delta
    const offsetDelta = r.varint();
    const key = text(r.varint());
    const value = text(r.varint());
    const headers: Array<[string, string | null]> = [];
    for (let h = r.varint(); h > 0; h--) headers.push([text(r.varint()) ?? '', text(r.varint())]);
    assert.equal(r.pos, end, `record ${i} length`);
    out.push({ offsetDelta, key, value, headers });
  }
  assert.equal(r.remaining, 0, 'nothing after the last record');
  return out;
}

/** Topics of a consumer protocol subscription (version, topics, user data, ...). */
function subscribedTopics(metadata: Buffer): string[] {
  const r = new Reader(metadata);
  r.int16();
  const topics: string[] = [];
  for (let n = r.int32(); n > 0; n--) topics.push(r.string());
  return topics;
}

/** Topic partitions of a consumer protocol assignment (version, [topic, [partition]], ...). */
function assignedPartitions(assignment: Buffer): Array<[string, number[]]> {
  const r = new Reader(assignment);
  r.int16();
  const out: Array<[string, number[]]> = [];
  for (let n = r.int32(); n > 0; n--) {
    const topic = r.string();
    const partitions: number[] = [];
    for (let p = r.int32(); p > 0; p--) partitions.push(r.int32());
    out.push([topic, partitions]);
  }
  return out;
}
