/**
 * Fetch responses are read into pooled buffers that go back to the pool only once the response
 * has been written to its socket: a response still waiting for a slow reader keeps its bytes
 * while other connections fetch (and reuse the pool) many times over, and arrives intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { encodeRequestFrame, decodeResponseFrame } from '../../../src/protocol/framing/messages.js';
import { FrameSplitter } from '../../../src/protocol/framing/frame-splitter.js';
import { ReadBufferPool } from '../../../src/storage/read-buffer-pool.js';
import { startTestBroker } from '../../support/broker.js';
import { ensureTopic, produceBatch, readPartition } from '../../support/clients/raw-client.js';
import { makeBatch, recordsIn } from '../../support/batches.js';

test('the pool serves power-of-two buffers, reuses what comes back, and keeps no more than its cap', () => {
  const pool = new ReadBufferPool(256 * 1024);
  const a = pool.acquire(100_000);
  assert.equal(a.length, 128 * 1024);
  pool.release(a);
  assert.equal(pool.bytesPooled, 128 * 1024);
  assert.equal(pool.acquire(70_000), a, 'reused');
  assert.equal(pool.bytesPooled, 0);
  pool.release(pool.acquire(200_000));
  pool.release(pool.acquire(200_000 + 1)); // a second 256 KiB buffer does not fit the cap
  assert.equal(pool.bytesPooled, 256 * 1024);
  assert.equal(pool.acquire(32 << 20).length, 32 << 20, 'beyond the largest size: a plain buffer');
});

test('a response waiting for a slow reader keeps its bytes while other fetches reuse the pool', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker();
  try {
    await ensureTopic(broker.port, 'pooled');
    // 15 MiB: more than the kernel's socket buffers take, so the response waits in the broker
    for (let i = 0; i < 60; i++) await produceBatch(broker.port, 'pooled', 0, makeBatch({ count: 64, valueSize: 4000, prefix: `p${i}` }));
    const expected = (await readPartition(broker.port, 'pooled', 0)).records.map((r) => r.value?.toString());
    // other bytes of the same size class, for the other fetches to read into reused buffers
    await ensureTopic(broker.port, 'other');
    for (let i = 0; i < 60; i++) await produceBatch(broker.port, 'other', 0, makeBatch({ count: 64, valueSize: 4000, prefix: `o${i}` }));
    const slow = connect(broker.port, '127.0.0.1');
    await new Promise((r) => slow.once('connect', r));
    slow.pause();
    const fetch = {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 16 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'pooled', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 16 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
      forgottenTopicsData: [], rackId: '',
    };
    slow.write(Buffer.concat(encodeRequestFrame(ApiKey.Fetch, 12, 1, 'slow', fetch)));
    await new Promise((r) => setTimeout(r, 300));
    // meanwhile other fetches take buffers from the pool again and again
    for (let i = 0; i < 10; i++) {
      const got = (await readPartition(broker.port, 'other', 0)).records;
      assert.equal(got.length, expected.length);
    }
    const splitter = new FrameSplitter(1 << 26);
    const frame = await new Promise<Buffer>((resolve) => {
      slow.on('data', (chunk: Buffer) => {
        const [f] = splitter.push(chunk);
        if (f) resolve(f);
      });
      slow.resume();
    });
    assert.ok(frame.length > 14 << 20, `the slow response is ${frame.length} bytes`);
    slow.destroy();
    const body = decodeResponseFrame(ApiKey.Fetch, 12, frame).body as { responses: { partitions: { records: Buffer | null }[] }[] };
    const values = recordsIn(body.responses[0]!.partitions[0]!.records!).map((r) => r.value?.toString());
    assert.deepEqual(values, expected, 'the slow response arrives intact');
  } finally {
    await broker.stop();
  }
});
