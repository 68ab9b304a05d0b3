/**
 * Transactions with kafkajs (transactional, idempotent producers):
 *  - one transaction committed, one aborted: a read_committed consumer sees only the committed
 *    records, a read_uncommitted one sees both; the log carries a COMMIT and an ABORT marker and
 *    read_committed fetches name the aborted transaction;
 *  - a transaction over two topics of two partitions each: every partition gets the marker;
 *  - sendOffsets inside a transaction: the group's offsets change only when the transaction
 *    commits (not while it is open, not when it aborts);
 *  - a second producer with the same transactional id fences the first: the first's next send
 *    and its commit fail with a fencing error, and its open transaction is aborted (never visible
 *    to read_committed);
 *  - ListOffsets: read_committed "latest" stops at the last stable offset (the first offset of
 *    the open transaction) until it commits; read_uncommitted answers the high watermark.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import {
  describeTransaction, latestOffset, READ_COMMITTED, READ_UNCOMMITTED, readBatches, withRaw,
} from '../../support/clients/txn-raw.js';
import { consumeValues, errorText, transactionalProducer, txnKafka } from '../../support/clients/txn-kafkajs.js';

const BROKER_OVERRIDES = {
  'num.partitions': '1',
  'offsets.topic.num.partitions': '5',
  'transaction.state.log.num.partitions': '5',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
};

const FENCING = /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/;

describe('kafkajs transactions', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  const producers: Producer[] = [];

  before(async () => {
    broker = await startTestBroker(BROKER_OVERRIDES);
    kafka = txnKafka(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  async function producer(transactionalId: string): Promise<Producer> {
    const p = await transactionalProducer(kafka, transactionalId);
    producers.push(p);
    return p;
  }

  it('commit one, abort one: read_committed sees only the committed records, read_uncommitted both', async () => {
    const topic = 'txn-visibility';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const p = await producer('tx-visibility');

    const t1 = await p.transaction();
    await t1.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
    await t1.commit();
    const t2 = await p.transaction();
    await t2.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
    await t2.abort();
    const t3 = await p.transaction();
    await t3.send({ topic, messages: [{ value: 'end' }] });
    await t3.commit();

    const committed = await consumeValues(kafka, topic, { readUncommitted: false, until: (v) => v.includes('end') });
    assert.deepEqual(committed, ['c1', 'c2', 'end']);
    const uncommitted = await consumeValues(kafka, topic, { readUncommitted: true, until: (v) => v.includes('end') });
    assert.deepEqual(uncommitted, ['c1', 'c2', 'a1', 'a2', 'end']);

    // the log itself: data, COMMIT, data, ABORT, data, COMMIT — one producer id throughout
    const log = await readBatches(broker.port, topic, 0);
    assert.deepEqual(log.batches.map((b) => b.marker ?? b.values.join(',')), ['c1,c2', 'COMMIT', 'a1,a2', 'ABORT', 'end', 'COMMIT']);
    assert.ok(log.batches.every((b) => b.transactional), 'every batch is transactional');
    assert.equal(new Set(log.batches.map((b) => b.producerId)).size, 1);
    assert.equal(log.lastStableOffset, log.highWatermark, 'nothing is open');
    const committedRead = await readBatches(broker.port, topic, 0, READ_COMMITTED);
    const abortedAt = log.batches.find((b) => b.values[0] === 'a1')!;
    assert.deepEqual(committedRead.abortedTransactions, [{ producerId: abortedAt.producerId, firstOffset: abortedAt.baseOffset }],
      'read_committed fetches name the aborted transaction (producer id, first offset)');

    const state = await withRaw(broker.port, (c) => describeTransaction(c, 'tx-visibility'));
    assert.equal(state.errorCode, 0);
    assert.equal(state.transactionState, 'CompleteCommit');
    assert.equal(state.producerId, abortedAt.producerId);
  });

  it('a transaction over several topics and partitions ends with a marker in every one of them', async () => {
    const topics = ['txn-multi-a', 'txn-multi-b'];
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: true });
    const p = await producer('tx-multi');
    const messages = (tag: string): { value: string; partition: number }[] => [0, 1].map((partition) => ({ value: `${tag}-p${partition}`, partition }));
    const t1 = await p.transaction();
    await t1.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: messages(`commit-${topic}`) })) });
    const open = await withRaw(broker.port, (c) => describeTransaction(c, 'tx-multi'));
    assert.deepEqual(open.topics.map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort() })).sort((a, b) => a.topic.localeCompare(b.topic)),
      topics.map((topic) => ({ topic, partitions: [0, 1] })), 'all four partitions joined the transaction');
    await t1.commit();
    const t2 = await p.transaction();
    await t2.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: messages(`abort-${topic}`) })) });
    await t2.abort();
    for (const topic of topics) {
      for (const partition of [0, 1]) {
        const log = await readBatches(broker.port, topic, partition);
        assert.deepEqual(log.batches.map((b) => b.marker ?? b.values.join(',')),
          [`commit-${topic}-p${partition}`, 'COMMIT', `abort-${topic}-p${partition}`, 'ABORT'], `${topic}-${partition}`);
        assert.equal(log.lastStableOffset, log.highWatermark);
      }
    }
  });

  it('sendOffsets in a transaction: the group offsets change only when the transaction commits', async () => {
    const source = 'txn-offsets-source';
    const sink = 'txn-offsets-sink';
    const groupId = 'txn-offsets-group';
    await admin.createTopics({ topics: [{ topic: source, numPartitions: 1 }, { topic: sink, numPartitions: 1 }], waitForLeaders: true });
    const committedOffset = async (): Promise<string | undefined> => {
      const r = await admin.fetchOffsets({ groupId, topics: [source] });
      return r.find((t) => t.topic === source)?.partitions.find((x) => x.partition === 0)?.offset;
    };
    assert.equal(await committedOffset(), '-1', 'nothing committed at first');
    const p = await producer('tx-offsets');

    const t1 = await p.transaction();
    await t1.send({ topic: sink, messages: [{ value: 'processed-0-4' }] });
    await t1.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset: '5' }] }] });
    assert.equal(await committedOffset(), '-1', 'offsets sent in an open transaction are not committed yet');
    await t1.commit();
    assert.equal(await committedOffset(), '5', 'committed with the transaction');

    const t2 = await p.transaction();
    await t2.send({ topic: sink, messages: [{ value: 'processed-5-9' }] });
    await t2.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset: '10' }] }] });
    await t2.abort();
    assert.equal(await committedOffset(), '5', 'an aborted transaction leaves the offsets as they were');

    const t3 = await p.transaction();
    await t3.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset: '12' }] }] });
    await t3.commit();
    assert.equal(await committedOffset(), '12', 'a transaction with only offsets commits them');

    const sunk = await consumeValues(kafka, sink, { readUncommitted: false, until: (v) => v.length >= 1 });
    assert.deepEqual(sunk, ['processed-0-4']);
  });

  it('a second producer with the same transactional id fences the first and aborts its open transaction', async () => {
    const topic = 'txn-fencing';
    const txId = 'tx-fenced';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const first = await producer(txId);
    const zombie = await first.transaction();
    await zombie.send({ topic, messages: [{ value: 'zombie-1' }] });
    const before = await withRaw(broker.port, (c) => describeTransaction(c, txId));
    assert.equal(before.transactionState, 'Ongoing');
    assert.deepEqual(before.topics, [{ topic, partitions: [0] }]);

    const second = await producer(txId);
    const t = await second.transaction(); // InitProducerId: bumps the epoch, aborts the open transaction
    const after = await withRaw(broker.port, (c) => describeTransaction(c, txId));
    assert.equal(after.producerId, before.producerId, 'the same producer id');
    assert.ok(after.producerEpoch > before.producerEpoch, `the epoch is bumped (${before.producerEpoch} -> ${after.producerEpoch})`);
    assert.notEqual(after.transactionState, 'Ongoing');

    await assert.rejects(zombie.send({ topic, messages: [{ value: 'zombie-2' }] }), (e) => FENCING.test(errorText(e)),
      'the fenced producer cannot send any more');
    await assert.rejects(zombie.commit(), (e) => FENCING.test(errorText(e)), 'the fenced producer cannot commit');

    await t.send({ topic, messages: [{ value: 'second-1' }] });
    await t.commit();

    const committed = await consumeValues(kafka, topic, { readUncommitted: false, until: (v) => v.includes('second-1') });
    assert.deepEqual(committed, ['second-1'], 'the fenced producer\'s records are never visible to read_committed');
    const uncommitted = await consumeValues(kafka, topic, { readUncommitted: true, until: (v) => v.includes('second-1') });
    assert.deepEqual(uncommitted, ['zombie-1', 'second-1'], 'zombie-2 was refused, zombie-1 is in the log');

    const log = await readBatches(broker.port, topic, 0);
    assert.deepEqual(log.batches.map((b) => b.marker ?? b.values.join(',')), ['zombie-1', 'ABORT', 'second-1', 'COMMIT']);
    const [data, abort] = log.batches;
    assert.ok(abort!.producerEpoch > data!.producerEpoch, 'the ABORT marker carries the bumped epoch');
  });

  it('ListOffsets read_committed stops at the last stable offset while a transaction is open', async () => {
    const topic = 'txn-lso';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const plain = kafka.producer();
    producers.push(plain);
    await plain.connect();
    await plain.send({ topic, messages: [{ value: 'plain-0' }] }); // offset 0
    const p = await producer('tx-lso');
    const t = await p.transaction();
    await t.send({ topic, messages: [{ value: 'open-1' }, { value: 'open-2' }] }); // offsets 1-2
    await plain.send({ topic, messages: [{ value: 'plain-3' }] }); // offset 3

    const offsets = (): Promise<[number, number]> => withRaw(broker.port, async (c) =>
      [await latestOffset(c, topic, 0, READ_UNCOMMITTED), await latestOffset(c, topic, 0, READ_COMMITTED)]);
    assert.deepEqual(await offsets(), [4, 1], 'read_uncommitted: the high watermark; read_committed: the first offset of the open transaction');
    const adminView = await admin.fetchTopicOffsets(topic); // kafkajs asks with read_committed
    assert.equal(adminView.find((x) => x.partition === 0)?.high, '1');
    const committedRead = await readBatches(broker.port, topic, 0, READ_COMMITTED);
    assert.equal(committedRead.lastStableOffset, 1);
    assert.deepEqual(committedRead.batches.flatMap((b) => b.values), ['plain-0'], 'a read_committed fetch stops at the last stable offset');

    await t.commit(); // COMMIT marker at offset 4
    assert.deepEqual(await offsets(), [5, 5], 'committed: the last stable offset catches up with the high watermark');
    const committed = await consumeValues(kafka, topic, { readUncommitted: false, until: (v) => v.includes('plain-3') });
    assert.deepEqual(committed, ['plain-0', 'open-1', 'open-2', 'plain-3']);
  });
});
