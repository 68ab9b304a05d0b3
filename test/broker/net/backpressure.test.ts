/**
 * A slow reader gets backpressure, not unbounded broker memory: a client pipelines hundreds of
 * 1 MiB fetches and reads nothing; the broker stops reading that connection once its socket
 * buffer is full, its memory stays bounded, and every response arrives, in order, once the
 * client starts reading.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { encodeRequestFrame, decodeResponseFrame } from '../../../src/protocol/framing/messages.js';
import { FrameSplitter } from '../../../src/protocol/framing/frame-splitter.js';
import { startTestBroker } from '../../support/broker.js';
import { ensureTopic, produceBatch } from '../../support/clients/raw-client.js';
import { makeBatch } from '../../support/batches.js';

const FETCHES = 300;

test('pipelined fetches from a client that does not read are held back, then all delivered in order', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker();
  try {
    await ensureTopic(broker.port, 'big');
    for (let i = 0; i < 4; i++) await produceBatch(broker.port, 'big', 0, makeBatch({ count: 64, valueSize: 4000, prefix: `b${i}` }));
    const socket = connect(broker.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.pause();
    const fetch = {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'big', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
      forgottenTopicsData: [], rackId: '',
    };
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < FETCHES; i++) socket.write(Buffer.concat(encodeRequestFrame(ApiKey.Fetch, 11, i, 'slow-reader', fetch)));
    await new Promise((r) => setTimeout(r, 1500));
    const growth = process.memoryUsage().arrayBuffers - before;
    assert.ok(growth < 200 * 1024 * 1024, `broker-side buffers grew ${(growth / 1048576).toFixed(0)} MiB for ${FETCHES} responses of ~1 MiB`);
    const splitter = new FrameSplitter(1 << 24);
    const ids: number[] = [];
    let records = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${ids.length} responses arrived`)), 45_000);
      socket.on('data', (chunk: Buffer) => {
        for (const frame of splitter.push(chunk)) {
          const { correlationId, body } = decodeResponseFrame(ApiKey.Fetch, 11, frame);
          ids.push(correlationId);
          records = (body as { responses: { partitions: { records: Buffer | null }[] }[] }).responses[0]!.partitions[0]!.records?.length ?? 0;
          if (ids.length === FETCHES) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      socket.resume();
    });
    assert.deepEqual(ids, Array.from({ length: FETCHES }, (_, i) => i));
    assert.ok(records > 500_000, `each response carries the data (${records} bytes)`);
    socket.destroy();
  } finally {
    await broker.stop();
  }
});
