/**
 * A client that shuts down its sending side (TCP FIN) right after writing requests still gets
 * their responses, in order, and only then does the broker end the connection. Answering nothing
 * would make a client resend a produce that was already appended (kafkajs does, when one of its
 * connections is closed under an in-flight request), so a record would be stored twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { ensureTopic, readPartition } from '../../support/clients/raw-client.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/framing/messages.js';
import type { ProduceResponse } from '../../../src/protocol/generated/messages/ProduceResponse.js';
import type { FetchResponse } from '../../../src/protocol/generated/messages/FetchResponse.js';

/** Everything the broker sends until it ends the connection (or the deadline passes). */
function readUntilEnd(socket: Socket, timeoutMs: number): Promise<{ frames: Buffer[]; ended: boolean }> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => resolve({ frames: split(), ended: false }), timeoutMs);
    const split = (): Buffer[] => {
      const frames: Buffer[] = [];
      let at = 0;
      while (buf.length - at >= 4 && buf.length - at - 4 >= buf.readInt32BE(at)) {
        const size = buf.readInt32BE(at);
        frames.push(buf.subarray(at + 4, at + 4 + size));
        at += 4 + size;
      }
      return frames;
    };
    socket.on('data', (c: Buffer) => { buf = Buffer.concat([buf, c]); });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve({ frames: split(), ended: true });
    });
  });
}

describe('a client that half-closes its connection', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
    await ensureTopic(broker.port, 'half-closed');
  });
  after(async () => {
    await broker.stop();
  });

  it('gets the responses to the produce and the long-polling fetch it sent before its FIN, then the broker ends', async () => {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: broker.port, allowHalfOpen: true });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const batch = buildRecordBatch([{ key: null, value: Buffer.from('exactly-once'), timestamp: BigInt(Date.now()) }], {});
    const produce = { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'half-closed', partitionData: [{ index: 0, records: batch }] }] };
    const fetch = {
      replicaId: -1, maxWaitMs: 300, minBytes: 1 << 20, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'half-closed', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    };
    const reading = readUntilEnd(socket, 10_000);
    for (const c of encodeRequestFrame(0, 9, 1, 'half-close-test', produce)) socket.write(c);
    for (const c of encodeRequestFrame(1, 12, 2, 'half-close-test', fetch)) socket.write(c);
    socket.end();
    const { frames, ended } = await reading;
    socket.destroy();
    assert.equal(ended, true, 'the broker ends the connection after answering');
    assert.equal(frames.length, 2);
    const p = decodeResponseFrame(0, 9, frames[0]!) as { correlationId: number; body: ProduceResponse };
    assert.equal(p.correlationId, 1);
    assert.equal(p.body.responses[0]?.partitionResponses[0]?.errorCode, 0);
    assert.equal(p.body.responses[0]?.partitionResponses[0]?.baseOffset, 0n);
    const f = decodeResponseFrame(1, 12, frames[1]!) as { correlationId: number; body: FetchResponse };
    assert.equal(f.correlationId, 2);
    assert.equal(f.body.responses[0]?.partitions[0]?.highWatermark, 1n);
    const contents = await readPartition(broker.port, 'half-closed', 0);
    assert.equal(contents.records.length, 1);
  });
});
