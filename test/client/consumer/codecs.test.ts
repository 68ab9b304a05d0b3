/**
 * The consumer protocol encodings (checked against kafkajs's independent implementation) and
 * the decoding of fetched partitions: positions inside compressed batches, control batches,
 * aborted transactions under read_committed, and a partial batch at the end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol } from 'kafkajs';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../src/client/consumer/index.js';
import { decodePartitionRecords } from '../../../src/client/consumer/fetcher.js';
import { CompressionType } from '../../../src/protocol/compression/index.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { ControlRecordType, buildEndTransactionMarkerBatch } from '../../../src/protocol/records/control.js';

describe('consumer protocol', () => {
  it('round-trips a v1 subscription with owned partitions', () => {
    const buf = encodeSubscription({ topics: ['b', 'a'], ownedPartitions: [{ topic: 'a', partition: 2 }, { topic: 'a', partition: 0 }], userData: Buffer.from([0, 0, 0, 7]) });
    const s = decodeSubscription(buf);
    assert.equal(s.version, 1);
    assert.deepEqual(s.topics, ['a', 'b']);
    assert.deepEqual(s.ownedPartitions, [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }]);
    assert.deepEqual(s.userData, Buffer.from([0, 0, 0, 7]));
    assert.equal(s.generationId, -1);
  });

  it('reads and is read by kafkajs', () => {
    const ours = encodeSubscription({ topics: ['x', 'y'], ownedPartitions: [{ topic: 'x', partition: 1 }] });
    assert.deepEqual(AssignerProtocol.MemberMetadata.decode(ours)?.topics, ['x', 'y']);
    const theirs = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['y'], userData: Buffer.from('hi') });
    const s = decodeSubscription(theirs);
    assert.deepEqual([s.version, s.topics, s.userData?.toString(), s.ownedPartitions], [0, ['y'], 'hi', []]);

    const a = encodeAssignment({ partitions: [{ topic: 'x', partition: 3 }, { topic: 'y', partition: 0 }, { topic: 'x', partition: 1 }] });
    assert.deepEqual(AssignerProtocol.MemberAssignment.decode(a)?.assignment, { x: [1, 3], y: [0] });
    const theirAssignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { t: [2, 0] }, userData: Buffer.alloc(0) });
    assert.deepEqual(decodeAssignment(theirAssignment).partitions, [{ topic: 't', partition: 2 }, { topic: 't', partition: 0 }]);
  });

  it('reads later versions (ignoring what it does not know) and an empty assignment', () => {
    const v3 = encodeSubscription({ version: 3, topics: ['t'], generationId: 9, rackId: 'r1' });
    const s = decodeSubscription(Buffer.concat([v3, Buffer.from([1, 2, 3])]));
    assert.deepEqual([s.version, s.generationId, s.rackId], [3, 9, 'r1']);
    assert.deepEqual(decodeAssignment(Buffer.alloc(0)).partitions, []);
    assert.throws(() => decodeSubscription(Buffer.from([0, 0, 0, 0, 0, 9])), /malformed consumer protocol subscription/);
  });
});

const TS = 1_700_000_000_000n;
const rec = (v: string) => ({ key: null, value: Buffer.from(v), timestamp: TS });
const values = (d: ReturnType<typeof decodePartitionRecords>) => d.records.map((r) => `${r.offset}:${r.record.value?.toString()}`);
const plain = { readCommitted: false, abortedTransactions: null, checkCrcs: true };

describe('fetched records', () => {
  it('starts inside a compressed batch at the fetch offset and ends after the last whole batch', () => {
    const b1 = buildRecordBatch([rec('a'), rec('b'), rec('c')], { baseOffset: 10n, compression: CompressionType.Gzip });
    const b2 = buildRecordBatch([rec('d')], { baseOffset: 13n });
    const partial = b2.subarray(0, 30);
    const d = decodePartitionRecords('t', 0, Buffer.concat([b1, b2, partial]), 11n, plain);
    assert.deepEqual(values(d), ['11:b', '12:c', '13:d']);
    assert.equal(d.nextOffset, 14n);
    assert.equal(d.partialBytes, 30);
  });

  it('skips control batches and, with read_committed, aborted transactions', () => {
    const pidA = 100n;
    const pidC = 200n;
    const batches = [
      buildRecordBatch([rec('plain0')], { baseOffset: 0n }),
      buildRecordBatch([rec('aborted1'), rec('aborted2')], { baseOffset: 1n, producerId: pidA, producerEpoch: 0, baseSequence: 0, isTransactional: true }),
      buildRecordBatch([rec('committed3')], { baseOffset: 3n, producerId: pidC, producerEpoch: 0, baseSequence: 0, isTransactional: true }),
      buildEndTransactionMarkerBatch({ type: ControlRecordType.Abort, coordinatorEpoch: 0 }, { producerId: pidA, producerEpoch: 0, timestamp: TS, baseOffset: 4n }),
      buildEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 0 }, { producerId: pidC, producerEpoch: 0, timestamp: TS, baseOffset: 5n }),
      // producer A again, in a new transaction that is not aborted
      buildRecordBatch([rec('later6')], { baseOffset: 6n, producerId: pidA, producerEpoch: 0, baseSequence: 2, isTransactional: true }),
    ];
    const buf = Buffer.concat(batches);
    const uncommitted = decodePartitionRecords('t', 0, buf, 0n, plain);
    assert.deepEqual(values(uncommitted), ['0:plain0', '1:aborted1', '2:aborted2', '3:committed3', '6:later6']);
    const committed = decodePartitionRecords('t', 0, buf, 0n, { readCommitted: true, abortedTransactions: [{ producerId: pidA, firstOffset: 1n }], checkCrcs: true });
    assert.deepEqual(values(committed), ['0:plain0', '3:committed3', '6:later6']);
    assert.equal(committed.nextOffset, 7n);
    // a fetch of only markers moves the position past them
    const markersOnly = decodePartitionRecords('t', 0, Buffer.concat([batches[3]!, batches[4]!]), 4n, plain);
    assert.deepEqual([markersOnly.records.length, markersOnly.nextOffset], [0, 6n]);
  });

  it('reports a corrupt batch', () => {
    const b = buildRecordBatch([rec('x')], { baseOffset: 0n });
    b[b.length - 1] ^= 0xff;
    assert.throws(() => decodePartitionRecords('t', 0, b, 0n, plain), /CRC/);
  });
});
