/**
 * The partitioner on its own: murmur2 against the values Kafka's own UtilsTest pins, against an
 * independent implementation (test/support/clients/murmur2.ts) on random bytes, and the sticky
 * behaviour of keyless records (KIP-480).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DefaultPartitioner, murmur2, partitionForKey, toPositive } from '../../../src/client/partitioner.js';
import { murmur2 as referenceMurmur2, javaPartitionFor } from '../../support/clients/murmur2.js';

test('murmur2 gives the values of Kafka UtilsTest.testMurmur2', () => {
  const cases: [string | number[], number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    [[0x61, 0x62, 0x63], 479470107],
  ];
  for (const [input, expected] of cases) {
    const bytes = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
    assert.equal(murmur2(bytes), expected, JSON.stringify(input));
  }
});

test('murmur2 agrees with an independent implementation on arbitrary bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 1000 }), (bytes, n) => {
    assert.equal(murmur2(bytes), referenceMurmur2(bytes));
    assert.equal(partitionForKey(bytes, n), javaPartitionFor(bytes, n));
  }), { numRuns: 2000 });
});

test('toPositive clears the sign bit instead of negating', () => {
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(-2147483648), 0);
  assert.equal(toPositive(5), 5);
  // 'key' hashes negative: Math.abs would give a different partition.
  const h = murmur2(Buffer.from('key'));
  assert.ok(h < 0);
  assert.equal(partitionForKey('key', 10), (h & 0x7fffffff) % 10);
  assert.equal(partitionForKey('key', 10), 1067546281 % 10);
  assert.notEqual(partitionForKey('key', 10), Math.abs(h) % 10);
});

test('strings are hashed as UTF-8', () => {
  assert.equal(partitionForKey('ключ', 7), partitionForKey(Buffer.from('ключ', 'utf8'), 7));
  assert.throws(() => partitionForKey('x', 0), RangeError);
});

test('keyed records ignore stickiness; keyless ones stick until their batch closes, then move', () => {
  const p = new DefaultPartitioner();
  const all = [0, 1, 2, 3, 4];
  assert.equal(p.partition('t', Buffer.from('key'), 5, all), partitionForKey('key', 5));
  const first = p.partition('t', null, 5, all);
  for (let i = 0; i < 20; i++) assert.equal(p.partition('t', null, 5, all), first);
  // A batch of another partition closing changes nothing.
  p.onBatchClosed('t', (first + 1) % 5, 5, all);
  assert.equal(p.partition('t', null, 5, all), first);
  // The sticky partition's batch closing moves on, always to another partition.
  let previous = first;
  for (let i = 0; i < 50; i++) {
    p.onBatchClosed('t', previous, 5, all);
    const next = p.partition('t', null, 5, all);
    assert.notEqual(next, previous);
    assert.ok(next >= 0 && next < 5);
    previous = next;
  }
  // Topics are independent.
  assert.equal(p.stickyPartition('other'), undefined);
});

test('sticky partitioning prefers partitions with a leader and copes with none or one', () => {
  const p = new DefaultPartitioner();
  for (let i = 0; i < 20; i++) {
    p.onBatchClosed('t', p.partition('t', null, 6, [2, 4]), 6, [2, 4]);
    assert.ok([2, 4].includes(p.partition('t', null, 6, [2, 4])));
  }
  const single = new DefaultPartitioner();
  assert.equal(single.partition('s', null, 3, [1]), 1);
  single.onBatchClosed('s', 1, 3, [1]);
  assert.equal(single.partition('s', null, 3, [1]), 1);
  const none = new DefaultPartitioner(() => 0.5);
  const chosen = none.partition('n', null, 4, []);
  assert.equal(chosen, 2);
  none.onBatchClosed('n', chosen, 4, []);
  assert.notEqual(none.partition('n', null, 4, []), chosen);
});
