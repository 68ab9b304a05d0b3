/**
 * Checkpoint file formats: offset checkpoints, the leader-epoch cache and producer snapshots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { formatOffsetCheckpoint, parseOffsetCheckpoint } from '../../src/storage/checkpoints/offset-checkpoint-file.js';
import { LeaderEpochCache } from '../../src/storage/checkpoints/leader-epoch-cache.js';
import {
  decodeProducerSnapshot, encodeProducerSnapshot, latestProducerSnapshot, writeProducerSnapshot,
} from '../../src/storage/checkpoints/producer-snapshot.js';

test('offset checkpoints use Kafka\'s text format and reject malformed files', () => {
  const text = formatOffsetCheckpoint(new Map([['my-topic-0', 15], ['b-3', 0]]));
  assert.equal(text, '0\n2\nmy-topic 0 15\nb 3 0\n');
  assert.deepEqual([...parseOffsetCheckpoint(text)!], [['my-topic-0', 15], ['b-3', 0]]);
  assert.equal(parseOffsetCheckpoint('1\n0\n'), undefined);
  assert.equal(parseOffsetCheckpoint('0\n2\na 0 1\n'), undefined);
});

test('the leader epoch cache answers end offsets per epoch and persists', async () => {
  const fs = new MemoryFileSystem();
  fs.mkdirp('/p');
  const cache = LeaderEpochCache.load(fs, '/p');
  await cache.assign(0, 0);
  await cache.assign(3, 100);
  await cache.assign(2, 150); // older epoch: ignored
  await cache.assign(5, 180);
  assert.equal(fs.readFile('/p/leader-epoch-checkpoint').toString(), '0\n3\n0 0\n3 100\n5 180\n');
  assert.deepEqual(cache.endOffsetFor(0, 200), { epoch: 0, endOffset: 100 });
  assert.deepEqual(cache.endOffsetFor(4, 200), { epoch: 3, endOffset: 180 });
  assert.deepEqual(cache.endOffsetFor(9, 200), { epoch: 5, endOffset: 200 });
  await cache.truncateFromEnd(150);
  const reloaded = LeaderEpochCache.load(fs, '/p');
  assert.equal(reloaded.latestEpoch, 3);
});

test('producer snapshots round-trip and a corrupt one is skipped for an older good one', async () => {
  const entry = {
    producerId: 42n, producerEpoch: 3, lastSequence: 99, lastOffset: 1234, offsetDelta: 4,
    timestamp: 1_700_000_000_000, coordinatorEpoch: 7, currentTxnFirstOffset: -1,
  };
  const bytes = encodeProducerSnapshot([entry]);
  assert.equal(bytes.length, 10 + 46);
  assert.equal(bytes.readInt16BE(0), 1);
  assert.deepEqual(decodeProducerSnapshot(bytes), [entry]);
  const fs = new MemoryFileSystem();
  fs.mkdirp('/p');
  await writeProducerSnapshot(fs, '/p', 100, [entry]);
  await writeProducerSnapshot(fs, '/p', 200, [{ ...entry, lastOffset: 2000 }]);
  const h = fs.open('/p/00000000000000000200.snapshot', 'readWrite');
  h.write(Buffer.from([0xff]), 0, 1, 20);
  h.close();
  assert.deepEqual(latestProducerSnapshot(fs, '/p'), { offset: 100, entries: [entry] });
});
