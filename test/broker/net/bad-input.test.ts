/**
 * What the broker does with bad bytes on a raw socket, and with requests pipelined back to back:
 *
 *   garbage, undecodable requests, unknown API keys  -> that connection is closed, nothing else
 *   a size prefix above socket.request.max.bytes     -> closed (a frame of exactly the limit is fine)
 *   ApiVersions at a version it does not serve       -> a v0 response with UNSUPPORTED_VERSION (35)
 *                                                      and the supported ranges (KIP-511)
 *   any other API at a version it does not serve     -> closed
 *   a Produce batch failing its CRC                  -> CORRUPT_MESSAGE (2) for that partition only
 *   50 pipelined requests                            -> 50 (minus acks=0) responses in request order
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { KCAT, kcatMissing } from '../../support/clients/kcat.js';
import { checkOk, run } from '../../support/clients/process.js';
import { ensureTopic, RawClient, readPartition, supportedApis } from '../../support/clients/raw-client.js';
import { decodeResponseFrame } from '../../../src/protocol/framing/messages.js';
import { API_DEFINITIONS } from '../../../src/protocol/generated/api-registry.js';
import type { ApiVersionsResponse } from '../../../src/protocol/generated/messages/ApiVersionsResponse.js';
import type { FetchResponse } from '../../../src/protocol/generated/messages/FetchResponse.js';
import type { MetadataResponse } from '../../../src/protocol/generated/messages/MetadataResponse.js';
import type { ProduceResponse } from '../../../src/protocol/generated/messages/ProduceResponse.js';
import type { ProduceRequest } from '../../../src/protocol/generated/messages/ProduceRequest.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';

const MAX_REQUEST_BYTES = 10_000;
const UNSUPPORTED_VERSION = 35;
const CORRUPT_MESSAGE = 2;
const kcatSkip = kcatMissing();

const API_VERSIONS_V3 = { clientSoftwareName: 'gregor-test', clientSoftwareVersion: '1.0' };

function metadataV12(topic: string | null): { topics: { topicId: string; name: string }[] | null; allowAutoTopicCreation: boolean; includeTopicAuthorizedOperations: boolean } {
  return { topics: topic === null ? null : [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
}

function record(value: string, i = 0): Buffer {
  return buildRecordBatch([{ key: null, value: Buffer.from(value), timestamp: 1_700_000_000_000n + BigInt(i) }]);
}

function produce(topic: string, partitions: [number, Buffer][], acks = -1): ProduceRequest {
  return { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: partitions.map(([index, records]) => ({ index, records })) }] };
}

/** A copy of a size-prefixed request frame with its API version field rewritten. */
function withVersion(frame: Buffer, version: number): Buffer {
  const copy = Buffer.from(frame);
  copy.writeInt16BE(version, 6);
  return copy;
}

/** The broker answers a normal ApiVersions request on a new connection. */
async function assertServing(broker: TestBroker): Promise<void> {
  const c = await RawClient.connect(broker.port);
  try {
    const r = await c.request(18, 3, API_VERSIONS_V3);
    assert.equal(r.errorCode, 0);
    assert.ok(r.apiKeys.some((k) => k.apiKey === 0));
  } finally {
    c.close();
  }
}

describe('bad input on raw sockets', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker({ 'socket.request.max.bytes': String(MAX_REQUEST_BYTES), 'num.partitions': '2' });
  });
  after(async () => {
    await broker?.stop();
  });

  describe('(a) garbage closes only its own connection', () => {
    const garbage: [string, Buffer][] = [
      ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')],
      ['a frame with an unknown API key', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from([0x66, 0x66, 0, 1]), Buffer.alloc(20, 0xa5)])],
      ['a frame too short for a request header', Buffer.from([0, 0, 0, 2, 0, 18])],
      ['a negative size prefix', Buffer.from([0xff, 0xff, 0xff, 0xfe, 1, 2, 3])],
      ['a Metadata request whose topic array runs past the frame', (() => {
        // Metadata v1 header, then a topic count of 1000 with no topics after it.
        const header = Buffer.from([0, 3, 0, 1, 0, 0, 0, 7, 0, 1, 0x78]);
        const body = Buffer.from([0, 0, 0x03, 0xe8, 0, 3, 0x61]);
        const size = Buffer.alloc(4);
        size.writeInt32BE(header.length + body.length);
        return Buffer.concat([size, header, body]);
      })()],
      ['random bytes', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 73 + 41) & 0xff))],
    ];

    for (const [name, bytes] of garbage) {
      it(`${name}: the connection is closed, the broker keeps serving`, async () => {
        const bystander = await RawClient.connect(broker.port);
        const bad = await RawClient.connect(broker.port);
        try {
          bad.write(bytes);
          assert.equal(await bad.waitClosed(3000), true, 'the broker closed the connection');
          // A connection that was open all along is unaffected.
          const r = await bystander.request(18, 3, API_VERSIONS_V3);
          assert.equal(r.errorCode, 0);
          await assertServing(broker);
        } finally {
          bad.close();
          bystander.close();
        }
      });
    }

    it('kcat -L still works afterwards', { skip: kcatSkip ?? false }, async () => {
      const r = checkOk('kcat -L', await run(KCAT, ['-b', broker.bootstrap, '-L'], { timeoutMs: 15_000 }));
      assert.match(r.stdout, new RegExp(`broker \\d+ at 127\\.0\\.0\\.1:${broker.port}`));
    });
  });

  describe('(b) socket.request.max.bytes', () => {
    /** A size-prefixed Produce v9 frame whose size field (bytes after the prefix) is exactly `size`. */
    function produceFrameOfSize(c: RawClient, topic: string, size: number, correlationId: number): Buffer {
      let valueLength = size - 200;
      for (let i = 0; i < 20; i++) {
        const frame = c.encode(0, 9, produce(topic, [[0, record('x'.repeat(valueLength))]]), correlationId);
        const diff = size - (frame.length - 4);
        if (diff === 0) return frame;
        valueLength += diff;
      }
      throw new Error(`could not build a frame of ${size} bytes`);
    }

    it('a size prefix above the limit closes the connection before the body is sent', async () => {
      const c = await RawClient.connect(broker.port);
      try {
        const prefix = Buffer.alloc(4);
        prefix.writeInt32BE(MAX_REQUEST_BYTES + 1);
        c.write(prefix);
        assert.equal(await c.waitClosed(3000), true);
      } finally {
        c.close();
      }
      await assertServing(broker);
    });

    it('a request of exactly the limit is served; one byte more closes the connection', async () => {
      await ensureTopic(broker.port, 'limit');
      const c = await RawClient.connect(broker.port);
      try {
        const atLimit = produceFrameOfSize(c, 'limit', MAX_REQUEST_BYTES, 77);
        assert.equal(atLimit.readInt32BE(0), MAX_REQUEST_BYTES);
        c.write(atLimit);
        const decoded = decodeResponseFrame(0, 9, await c.nextFrame());
        assert.equal(decoded.correlationId, 77);
        const p = (decoded.body as ProduceResponse).responses[0]!.partitionResponses[0]!;
        assert.deepEqual([p.errorCode, p.baseOffset], [0, 0n]);

        const overLimit = produceFrameOfSize(c, 'limit', MAX_REQUEST_BYTES + 1, 78);
        c.write(overLimit);
        assert.equal(await c.waitClosed(3000), true);
      } finally {
        c.close();
      }
      const stored = await readPartition(broker.port, 'limit', 0);
      assert.equal(stored.highWatermark, 1, 'only the request within the limit was appended');
    });
  });

  describe('(c, d) unsupported versions', () => {
    it('(c) ApiVersions v9 gets a v0 response with UNSUPPORTED_VERSION and the API key list; the connection stays usable', async () => {
      const served = await supportedApis(broker.port);
      const c = await RawClient.connect(broker.port);
      try {
        // A v9 request: a v3 frame (flexible header v2, as a newer client would send) relabelled,
        // with bytes after the body that a v3 decoder would not accept.
        const v3 = c.encode(18, 3, API_VERSIONS_V3, 4242);
        const v9 = withVersion(Buffer.concat([v3, Buffer.from([9, 9, 9])]), 9);
        v9.writeInt32BE(v9.length - 4, 0);
        c.write(v9);
        const frame = await c.nextFrame();
        const { correlationId, body } = decodeResponseFrame(18, 0, frame);
        const response = body as ApiVersionsResponse;
        assert.equal(correlationId, 4242);
        assert.equal(response.errorCode, UNSUPPORTED_VERSION);
        const listed = new Map(response.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
        assert.deepEqual(listed, served, 'the same ranges as a successful ApiVersions');
        assert.deepEqual(listed.get(18), { min: 0, max: served.get(18)!.max });
        for (const key of [0, 1, 2, 3]) assert.ok(listed.has(key), `API key ${key} is listed`);

        // The client retries at a version both know, on the same connection.
        const retry = await c.request(18, 3, API_VERSIONS_V3);
        assert.equal(retry.errorCode, 0);
      } finally {
        c.close();
      }
    });

    const others: [string, number][] = [['Fetch', 1], ['Metadata', 3], ['Produce', 0], ['ListOffsets', 2]];
    for (const [name, apiKey] of others) {
      it(`(d) ${name} one version above the broker's maximum closes the connection`, async () => {
        const served = (await supportedApis(broker.port)).get(apiKey);
        assert.ok(served, `${name} is served`);
        const version = served.max + 1;
        const c = await RawClient.connect(broker.port);
        try {
          const def = API_DEFINITIONS.get(apiKey)!;
          let frame: Buffer;
          if (version <= def.maxVersion) {
            // A version the protocol defines but this broker does not serve.
            const bodies: Record<number, unknown> = {
              1: { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [], forgottenTopicsData: [], rackId: '' },
            };
            frame = c.encode(apiKey as 1, version, (bodies[apiKey] ?? {}) as never, 5);
          } else {
            // Beyond the protocol's newest version: a request at the newest, relabelled.
            const newest: Record<number, unknown> = {
              0: produce('x', [[0, record('x')]]),
              2: { replicaId: -1, isolationLevel: 0, topics: [], timeoutMs: 0 },
              3: metadataV12(null),
            };
            frame = withVersion(c.encode(apiKey as 0, def.maxVersion, newest[apiKey] as never, 5), version);
          }
          c.write(frame);
          assert.equal(await c.waitClosed(3000), true, `${name} v${version} closes the connection`);
        } finally {
          c.close();
        }
        await assertServing(broker);
      });
    }
  });

  describe('(e) a batch failing its CRC', () => {
    for (const version of [3, 7, 9, 11]) {
      it(`Produce v${version}: CORRUPT_MESSAGE for that partition, the valid batch for the other partition is appended`, async () => {
        const topic = `crc-v${version}`;
        assert.equal(await ensureTopic(broker.port, topic), 2);
        const broken = record('this batch is tampered with after its CRC was computed');
        broken[broken.length - 3] ^= 0x01;
        const good = record('this batch is fine');
        const c = await RawClient.connect(broker.port);
        try {
          const r = await c.request(0, version, produce(topic, [[0, broken], [1, good]]));
          const parts = new Map(r.responses[0]!.partitionResponses.map((p) => [p.index, p]));
          assert.equal(parts.get(0)!.errorCode, CORRUPT_MESSAGE);
          assert.equal(parts.get(0)!.baseOffset, -1n);
          assert.equal(parts.get(1)!.errorCode, 0);
          assert.equal(parts.get(1)!.baseOffset, 0n);
        } finally {
          c.close();
        }
        const p0 = await readPartition(broker.port, topic, 0);
        const p1 = await readPartition(broker.port, topic, 1);
        assert.deepEqual([p0.highWatermark, p0.records.length], [0, 0], 'nothing of the broken batch was stored');
        assert.deepEqual(p1.records.map((x) => [x.offset, x.value]), [[0, 'this batch is fine']]);
      });
    }
  });

  describe('(f) pipelining', () => {
    it('50 requests sent back to back are answered in request order', async () => {
      const topic = 'pipelined';
      await ensureTopic(broker.port, topic);
      const c = await RawClient.connect(broker.port);
      try {
        interface Sent { correlationId: number; apiKey: number; version: number; kind: string; produceIndex?: number }
        const sent: Sent[] = [];
        const frames: Buffer[] = [];
        let produces = 0;
        for (let i = 0; i < 50; i++) {
          // Correlation ids that are not increasing, so order cannot be confused with sorting.
          const correlationId = 100_000 - ((i * 7919) % 50_000);
          let s: Sent;
          switch (i % 6) {
            case 0:
              frames.push(c.encode(18, 3, API_VERSIONS_V3, correlationId));
              s = { correlationId, apiKey: 18, version: 3, kind: 'apiversions' };
              break;
            case 1:
              frames.push(c.encode(3, 12, metadataV12(topic), correlationId));
              s = { correlationId, apiKey: 3, version: 12, kind: 'metadata' };
              break;
            case 2:
              frames.push(c.encode(0, 9, produce(topic, [[0, record(`record ${produces}`, produces)]]), correlationId));
              s = { correlationId, apiKey: 0, version: 9, kind: 'produce', produceIndex: produces++ };
              break;
            case 3:
              // acks=0: appended in order, but no response at all.
              frames.push(c.encode(0, 3, produce(topic, [[0, record(`record ${produces}`, produces)]], 0), correlationId));
              s = { correlationId, apiKey: 0, version: 3, kind: 'produce-acks0', produceIndex: produces++ };
              break;
            case 4:
              // A long poll on the empty partition 1: responses after it must wait for it.
              frames.push(c.encode(1, 12, {
                replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
                topics: [{ topic, partitions: [{ partition: 1, fetchOffset: 0n, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 }] }],
                forgottenTopicsData: [], rackId: '',
              }, correlationId));
              s = { correlationId, apiKey: 1, version: 12, kind: 'fetch' };
              break;
            default:
              frames.push(c.encode(3, 1, { topics: null }, correlationId));
              s = { correlationId, apiKey: 3, version: 1, kind: 'metadata-all' };
          }
          sent.push(s);
        }
        c.write(Buffer.concat(frames));

        const expected = sent.filter((s) => s.kind !== 'produce-acks0');
        const received: number[] = [];
        for (const s of expected) {
          const frame = await c.nextFrame(10_000);
          const { correlationId, body } = decodeResponseFrame(s.apiKey, s.version, frame);
          received.push(correlationId);
          assert.equal(correlationId, s.correlationId, `response #${received.length} answers request ${s.correlationId}`);
          switch (s.kind) {
            case 'apiversions':
              assert.equal((body as ApiVersionsResponse).errorCode, 0);
              break;
            case 'metadata':
              assert.deepEqual((body as MetadataResponse).topics.map((t) => [t.name, t.errorCode, t.partitions.length]), [[topic, 0, 2]]);
              break;
            case 'metadata-all':
              assert.ok((body as MetadataResponse).topics.some((t) => t.name === topic));
              break;
            case 'fetch': {
              const p = (body as FetchResponse).responses[0]!.partitions[0]!;
              assert.deepEqual([p.errorCode, p.highWatermark], [0, 0n]);
              break;
            }
            case 'produce': {
              const p = (body as ProduceResponse).responses[0]!.partitionResponses[0]!;
              assert.equal(p.errorCode, 0);
              assert.equal(p.baseOffset, BigInt(s.produceIndex!), 'appended in request order');
              break;
            }
          }
        }
        assert.deepEqual(received, expected.map((s) => s.correlationId));
        assert.equal(expected.length, 50 - sent.filter((s) => s.kind === 'produce-acks0').length);
        // The acks=0 requests got no response: the next request is answered next.
        const after = await c.request(18, 3, API_VERSIONS_V3);
        assert.equal(after.errorCode, 0);

        const stored = await readPartition(broker.port, topic, 0);
        assert.deepEqual(stored.records.map((r) => [r.offset, r.value]), Array.from({ length: produces }, (_, i) => [i, `record ${i}`]));
      } finally {
        c.close();
      }
    });
  });
});
