/**
 * Fetch long polling and incremental fetch sessions (KIP-227), on raw sockets:
 *
 *   - a fetch waiting for data (minBytes 1, maxWaitMs 5000) is answered as soon as a produce
 *     arrives, with the produced record;
 *   - a fetch with nothing to return is answered after maxWaitMs, empty;
 *   - a full fetch with epoch 0 opens a session; an incremental fetch (epoch 1) listing no
 *     partitions gets back only the partitions with something new; a wrong epoch gets
 *     INVALID_FETCH_SESSION_EPOCH (71) and leaves the session usable; an unknown session id gets
 *     FETCH_SESSION_ID_NOT_FOUND (70).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { ensureTopic, RawClient } from '../../support/clients/raw-client.js';
import { recordsIn } from '../../support/batches.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { decodeResponseFrame } from '../../../src/protocol/framing/messages.js';
import type { FetchRequest } from '../../../src/protocol/generated/messages/FetchRequest.js';
import type { FetchResponse } from '../../../src/protocol/generated/messages/FetchResponse.js';

const FETCH_SESSION_ID_NOT_FOUND = 70;
const INVALID_FETCH_SESSION_EPOCH = 71;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
}

interface FetchOptions {
  version?: number;
  maxWaitMs: number;
  minBytes: number;
  sessionId?: number;
  sessionEpoch?: number;
  forgotten?: Wanted[];
  /** Topic ids by name, for versions 13 and later. */
  ids?: Map<string, string>;
}

function fetchRequest(wanted: Wanted[], o: FetchOptions): FetchRequest {
  const v = o.version ?? 12;
  const byTopic = new Map<string, Wanted[]>();
  for (const w of wanted) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w]);
  const topicRef = (name: string): { topic?: string; topicId?: string } => (v >= 13 ? { topicId: o.ids!.get(name)! } : { topic: name });
  const forgotten = new Map<string, number[]>();
  for (const f of o.forgotten ?? []) forgotten.set(f.topic, [...(forgotten.get(f.topic) ?? []), f.partition]);
  return {
    replicaId: -1,
    maxWaitMs: o.maxWaitMs,
    minBytes: o.minBytes,
    maxBytes: 1024 * 1024,
    isolationLevel: 0,
    sessionId: o.sessionId ?? 0,
    sessionEpoch: o.sessionEpoch ?? -1,
    topics: [...byTopic].map(([name, ps]) => ({
      ...topicRef(name),
      partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(p.offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 256 * 1024 })),
    })),
    forgottenTopicsData: [...forgotten].map(([name, partitions]) => ({ ...topicRef(name), partitions })),
    rackId: '',
  };
}

interface Seen {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  values: [number, string | null][];
}

/** The partitions of a response, by topic name, with their records. */
function seen(r: FetchResponse, names?: Map<string, string>): Seen[] {
  const out: Seen[] = [];
  for (const t of r.responses) {
    const topic = t.topic !== undefined && t.topic !== '' ? t.topic : (names?.get(t.topicId ?? '') ?? `id:${t.topicId}`);
    for (const p of t.partitions) {
      out.push({
        topic,
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: Number(p.highWatermark),
        values: p.records === null ? [] : recordsIn(p.records).map((x) => [x.offset, x.value]),
      });
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

async function produceOne(port: number, topic: string, value: string): Promise<number> {
  const c = await RawClient.connect(port);
  try {
    const batch = buildRecordBatch([{ key: null, value: Buffer.from(value), timestamp: BigInt(Date.now()) }]);
    const r = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    const p = r.responses[0]!.partitionResponses[0]!;
    assert.equal(p.errorCode, 0);
    return Number(p.baseOffset);
  } finally {
    c.close();
  }
}

describe('fetch long polling', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  it('minBytes=1, maxWaitMs=5000 on an empty partition is answered soon after a produce, with the record', async () => {
    const topic = 'wake-up';
    await ensureTopic(broker.port, topic);
    const consumer = await RawClient.connect(broker.port);
    try {
      const started = Date.now();
      const id = consumer.send(1, 12, fetchRequest([{ topic, partition: 0, offset: 0 }], { maxWaitMs: 5000, minBytes: 1 }));
      // The fetch is parked: nothing comes back while the partition stays empty.
      await assert.rejects(consumer.nextFrame(300), /no response within/);
      const producedAt = Date.now();
      assert.equal(await produceOne(broker.port, topic, 'wake up'), 0);
      const frame = await consumer.nextFrame(6000);
      const answeredAt = Date.now();
      const { correlationId, body } = decodeResponseFrame(1, 12, frame);
      assert.equal(correlationId, id);
      assert.ok(answeredAt - started < 2000, `answered ${answeredAt - started} ms after the fetch was sent`);
      assert.ok(answeredAt - producedAt < 1000, `answered ${answeredAt - producedAt} ms after the produce`);
      assert.deepEqual(seen(body as FetchResponse), [{ topic, partition: 0, errorCode: 0, highWatermark: 1, values: [[0, 'wake up']] }]);
    } finally {
      consumer.close();
    }
  });

  it('maxWaitMs=300 with no data returns empty after about 300 ms', async () => {
    const topic = 'stays-empty';
    await ensureTopic(broker.port, topic);
    const c = await RawClient.connect(broker.port);
    try {
      const started = Date.now();
      const r = await c.request(1, 12, fetchRequest([{ topic, partition: 0, offset: 0 }], { maxWaitMs: 300, minBytes: 1 }));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250, `returned after ${elapsed} ms`);
      assert.ok(elapsed < 2000, `returned after ${elapsed} ms`);
      assert.deepEqual(seen(r), [{ topic, partition: 0, errorCode: 0, highWatermark: 0, values: [] }]);
    } finally {
      c.close();
    }
  });

  it('data already there is returned at once; minBytes above what is there waits maxWaitMs, then returns it', async () => {
    const topic = 'some-data';
    await ensureTopic(broker.port, topic);
    await produceOne(broker.port, topic, 'small');
    const c = await RawClient.connect(broker.port);
    try {
      let started = Date.now();
      const now = await c.request(1, 12, fetchRequest([{ topic, partition: 0, offset: 0 }], { maxWaitMs: 5000, minBytes: 1 }));
      assert.ok(Date.now() - started < 1000, `returned after ${Date.now() - started} ms`);
      assert.deepEqual(seen(now)[0]!.values, [[0, 'small']]);

      started = Date.now();
      const later = await c.request(1, 12, fetchRequest([{ topic, partition: 0, offset: 0 }], { maxWaitMs: 300, minBytes: 100_000 }));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 2000, `returned after ${elapsed} ms`);
      assert.deepEqual(seen(later)[0]!.values, [[0, 'small']]);
    } finally {
      c.close();
    }
  });
});

for (const version of [12, 16]) {
  describe(`incremental fetch sessions (Fetch v${version})`, () => {
    let broker: TestBroker;
    let c: RawClient;
    const A = 'session-a';
    const B = 'session-b';
    const ids = new Map<string, string>();
    const names = new Map<string, string>();
    let sessionId = 0;

    const fetch = async (wanted: Wanted[], o: Omit<FetchOptions, 'version' | 'ids'>): Promise<FetchResponse> =>
      c.request(1, version, fetchRequest(wanted, { ...o, version, ids }), 8000);

    before(async () => {
      broker = await startTestBroker();
      for (const t of [A, B]) await ensureTopic(broker.port, t);
      c = await RawClient.connect(broker.port);
      const md = await c.request(3, 12, { topics: [A, B].map((name) => ({ topicId: ZERO_UUID, name })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      for (const t of md.topics) {
        ids.set(t.name!, t.topicId!);
        names.set(t.topicId!, t.name!);
      }
      assert.equal(ids.size, 2);
    });
    after(async () => {
      c?.close();
      await broker?.stop();
    });

    it('a full fetch with epoch 0 opens a session and answers every partition', async () => {
      const r = await fetch([{ topic: A, partition: 0, offset: 0 }, { topic: B, partition: 0, offset: 0 }], { maxWaitMs: 0, minBytes: 0, sessionId: 0, sessionEpoch: 0 });
      assert.equal(r.errorCode, 0);
      assert.ok(r.sessionId !== undefined && r.sessionId > 0, `session id ${r.sessionId}`);
      sessionId = r.sessionId;
      assert.deepEqual(seen(r, names), [
        { topic: A, partition: 0, errorCode: 0, highWatermark: 0, values: [] },
        { topic: B, partition: 0, errorCode: 0, highWatermark: 0, values: [] },
      ]);
    });

    it('epoch 1 with no partitions listed returns only the partition with new data', async () => {
      await produceOne(broker.port, A, 'new in a');
      const r = await fetch([], { maxWaitMs: 2000, minBytes: 1, sessionId, sessionEpoch: 1 });
      assert.equal(r.errorCode, 0);
      assert.equal(r.sessionId, sessionId);
      assert.deepEqual(seen(r, names), [{ topic: A, partition: 0, errorCode: 0, highWatermark: 1, values: [[0, 'new in a']] }]);
    });

    it('epoch 2, nothing new after moving the position: an empty response after maxWaitMs', async () => {
      const started = Date.now();
      const r = await fetch([{ topic: A, partition: 0, offset: 1 }], { maxWaitMs: 300, minBytes: 1, sessionId, sessionEpoch: 2 });
      const elapsed = Date.now() - started;
      assert.equal(r.errorCode, 0);
      assert.equal(r.sessionId, sessionId);
      assert.deepEqual(seen(r, names), []);
      assert.ok(elapsed >= 250 && elapsed < 2000, `returned after ${elapsed} ms`);
    });

    it('a wrong epoch gets INVALID_FETCH_SESSION_EPOCH and leaves the session as it was', async () => {
      const wrong = await fetch([], { maxWaitMs: 0, minBytes: 0, sessionId, sessionEpoch: 7 });
      assert.equal(wrong.errorCode, INVALID_FETCH_SESSION_EPOCH);
      assert.deepEqual(wrong.responses, []);
      const repeated = await fetch([], { maxWaitMs: 0, minBytes: 0, sessionId, sessionEpoch: 2 });
      assert.equal(repeated.errorCode, INVALID_FETCH_SESSION_EPOCH, 'an epoch already used is wrong too');

      // The expected epoch (3) still works, and still tracks both partitions.
      await produceOne(broker.port, B, 'new in b');
      const r = await fetch([], { maxWaitMs: 2000, minBytes: 1, sessionId, sessionEpoch: 3 });
      assert.equal(r.errorCode, 0);
      assert.deepEqual(seen(r, names), [{ topic: B, partition: 0, errorCode: 0, highWatermark: 1, values: [[0, 'new in b']] }]);
    });

    it('a forgotten partition leaves the session', async () => {
      // B moves past its record, then is forgotten; new data in B is no longer reported.
      const moved = await fetch([{ topic: B, partition: 0, offset: 1 }], { maxWaitMs: 0, minBytes: 0, sessionId, sessionEpoch: 4 });
      assert.deepEqual(seen(moved, names), []);
      const forgot = await fetch([], { maxWaitMs: 0, minBytes: 0, sessionId, sessionEpoch: 5, forgotten: [{ topic: B, partition: 0, offset: 0 }] });
      assert.deepEqual(seen(forgot, names), []);
      await produceOne(broker.port, B, 'unseen');
      await produceOne(broker.port, A, 'seen');
      const r = await fetch([], { maxWaitMs: 2000, minBytes: 1, sessionId, sessionEpoch: 6 });
      assert.deepEqual(seen(r, names), [{ topic: A, partition: 0, errorCode: 0, highWatermark: 2, values: [[1, 'seen']] }]);
    });

    it('an unknown session id gets FETCH_SESSION_ID_NOT_FOUND', async () => {
      const unknown = sessionId === 0x7fffffff ? 1 : sessionId + 1;
      const r = await fetch([], { maxWaitMs: 0, minBytes: 0, sessionId: unknown, sessionEpoch: 1 });
      assert.equal(r.errorCode, FETCH_SESSION_ID_NOT_FOUND);
      assert.deepEqual(r.responses, []);
    });
  });
}
