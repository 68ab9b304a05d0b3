/**
 * Transactions and idempotent producers across broker restarts:
 *  - after commits, an abort, and with two transactions left open, the broker restarts; the
 *    transaction coordinator rebuilds its state from __transaction_state (both still Ongoing,
 *    same producer ids and epochs) and the partition its producer state and aborted-transaction
 *    index (the last stable offset is still held at the first open record). A new producer with
 *    one of the transactional ids initialises (aborting the open transaction) and commits more;
 *    the other open transaction is aborted by its timeout. Nothing committed is lost and nothing
 *    aborted is visible to read_committed, also after a second restart;
 *  - an idempotent producer's state survives a restart: a batch retried after the restart with
 *    the producer id, epoch and sequence it had before is recognised (answered with its original
 *    offset, not written again); a gap in the sequence is refused; the next sequence is accepted;
 *  - the same after a crash (the broker in a child process, SIGKILLed by pid): recovery rebuilds
 *    the producer state, the transaction state and the aborted-transactions index from what was
 *    acknowledged; the open transaction's old producer instance is fenced once a new one inits.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { ensureTopic } from '../../support/clients/raw-client.js';
import { consumeValues, transactionalProducer, txnKafka } from '../../support/clients/txn-kafkajs.js';
import {
  allValues, describeTransaction, initProducerId, latestOffset, produceTo, producerBatch, READ_COMMITTED, READ_UNCOMMITTED,
  addPartitionsToTxn, endTxn, readBatches, withRaw, type ProducerIdAndEpoch, type TransactionState,
} from '../../support/clients/txn-raw.js';
import { brokerProcess, type BrokerProcess } from '../../support/clients/broker-process.js';
import { waitFor } from '../../support/clients/wait.js';

const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const INVALID_PRODUCER_EPOCH = 47;
const TIMEOUT_TXN_MS = 4000;

describe('transactions and idempotent producers across broker restarts', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  const producers: Producer[] = [];

  before(async () => {
    broker = await startTestBroker({
      'num.partitions': '1',
      'offsets.topic.num.partitions': '5',
      'transaction.state.log.num.partitions': '5',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
    });
    kafka = txnKafka(broker.bootstrap);
  });
  after(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  async function producer(transactionalId: string, transactionTimeout?: number): Promise<Producer> {
    const p = await transactionalProducer(kafka, transactionalId, transactionTimeout);
    producers.push(p);
    return p;
  }

  const describeTxn = (id: string): Promise<TransactionState> => withRaw(broker.port, (c) => describeTransaction(c, id));
  const offsets = (topic: string): Promise<{ lso: number; hw: number }> => withRaw(broker.port, async (c) => ({
    lso: await latestOffset(c, topic, 0, READ_COMMITTED), hw: await latestOffset(c, topic, 0, READ_UNCOMMITTED),
  }));

  it('a restart in the middle of transactions: state rebuilt, the open ones aborted (by a new producer, by timeout), nothing committed lost', async () => {
    const topic = 'restart-txn';
    await ensureTopic(broker.port, topic);
    const p1 = await producer('rs-reinit');
    const t1 = await p1.transaction();
    await t1.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] }); // 0-1, COMMIT 2
    await t1.commit();
    const t2 = await p1.transaction();
    await t2.send({ topic, messages: [{ value: 'a1' }] }); // 3, ABORT 4
    await t2.abort();
    const open1 = await p1.transaction();
    await open1.send({ topic, messages: [{ value: 'open-1' }] }); // 5
    const p2 = await producer('rs-timeout', TIMEOUT_TXN_MS);
    const open2 = await p2.transaction();
    await open2.send({ topic, messages: [{ value: 'timeout-1' }] }); // 6
    // the producers go away without ending their transactions
    await p1.disconnect();
    await p2.disconnect();

    const beforeRestart = { reinit: await describeTxn('rs-reinit'), timeout: await describeTxn('rs-timeout'), offsets: await offsets(topic) };
    assert.equal(beforeRestart.reinit.transactionState, 'Ongoing');
    assert.equal(beforeRestart.timeout.transactionState, 'Ongoing');
    assert.deepEqual(beforeRestart.offsets, { lso: 5, hw: 7 });

    await broker.restart();

    for (const [id, was] of [['rs-reinit', beforeRestart.reinit], ['rs-timeout', beforeRestart.timeout]] as const) {
      const now = await describeTxn(id);
      assert.equal(now.transactionState, 'Ongoing', `${id} is still open after the restart`);
      assert.equal(now.producerId, was.producerId);
      assert.equal(now.producerEpoch, was.producerEpoch);
      assert.equal(now.transactionTimeoutMs, was.transactionTimeoutMs);
      assert.equal(now.transactionStartTimeMs, was.transactionStartTimeMs);
      assert.deepEqual(now.topics, [{ topic, partitions: [0] }]);
    }
    assert.deepEqual(await offsets(topic), { lso: 5, hw: 7 }, 'the last stable offset is still held at the first open record');
    const heldBack = await readBatches(broker.port, topic, 0, READ_COMMITTED);
    assert.deepEqual(allValues(heldBack), ['c1', 'c2', 'a1'], 'read_committed fetches stop at the last stable offset (a1 is dropped by clients)');
    assert.equal(heldBack.abortedTransactions.length, 1, 'the aborted transaction is still indexed after the restart');
    assert.equal(heldBack.abortedTransactions[0]?.firstOffset, 3);

    // a new producer with the same transactional id: its InitProducerId aborts the open transaction
    const p1again = await producer('rs-reinit');
    const t3 = await p1again.transaction();
    const reinit = await describeTxn('rs-reinit');
    assert.equal(reinit.producerId, beforeRestart.reinit.producerId, 'the transactional id keeps its producer id');
    assert.ok(reinit.producerEpoch > beforeRestart.reinit.producerEpoch, 'with a bumped epoch');
    await t3.send({ topic, messages: [{ value: 'c3' }] }); // 8 (the ABORT of open-1 is at 7)
    await t3.commit(); // COMMIT 9
    const whileOneOpen = await offsets(topic);
    if ((await describeTxn('rs-timeout')).transactionState === 'Ongoing') {
      assert.deepEqual(whileOneOpen, { lso: 6, hw: 10 }, 'the last stable offset is held by the other open transaction, despite later commits');
    }

    // the other one is aborted once its timeout has passed
    const timedOut = await waitFor(async () => {
      const s = await describeTxn('rs-timeout');
      return s.transactionState === 'CompleteAbort' ? s : undefined;
    }, { timeoutMs: TIMEOUT_TXN_MS + 6000, intervalMs: 100, what: 'rs-timeout to be aborted by its timeout after the restart' });
    assert.ok(timedOut.producerEpoch > beforeRestart.timeout.producerEpoch);
    const end = await offsets(topic);
    assert.equal(end.lso, end.hw, 'no transaction is open any more');

    const expectCommitted = ['c1', 'c2', 'c3'];
    const expectAll = ['c1', 'c2', 'a1', 'open-1', 'timeout-1', 'c3'];
    assert.deepEqual(await consumeValues(kafka, topic, { readUncommitted: false, until: (v) => v.includes('c3') }), expectCommitted);
    assert.deepEqual(await consumeValues(kafka, topic, { readUncommitted: true, until: (v) => v.includes('c3') }), expectAll);
    const batches = (await readBatches(broker.port, topic, 0)).batches;
    const markersOf = (producerId: bigint): (string | undefined)[] => batches.filter((b) => b.marker !== undefined && b.producerId === producerId).map((b) => b.marker);
    assert.deepEqual(markersOf(reinit.producerId), ['COMMIT', 'ABORT', 'ABORT', 'COMMIT'], 'rs-reinit: committed, aborted, aborted by the new producer, committed');
    assert.deepEqual(markersOf(timedOut.producerId), ['ABORT'], 'rs-timeout: aborted by its timeout');

    // and all of it is still so after another restart
    await broker.restart();
    assert.deepEqual(await offsets(topic), end);
    assert.equal((await describeTxn('rs-reinit')).transactionState, 'CompleteCommit');
    assert.equal((await describeTxn('rs-timeout')).transactionState, 'CompleteAbort');
    const indexed = await readBatches(broker.port, topic, 0, READ_COMMITTED);
    assert.deepEqual(indexed.abortedTransactions.map((a) => a.firstOffset).sort((a, b) => a - b), [3, 5, 6], 'three aborted transactions indexed');
    assert.deepEqual(await consumeValues(kafka, topic, { readUncommitted: false, until: (v) => v.includes('c3') }), expectCommitted);
  });

  it('offsets sent in a transaction before a restart are committed with it after the restart, or dropped when it aborts', async () => {
    const topic = 'restart-offsets';
    const groupId = 'restart-offsets-group';
    await ensureTopic(broker.port, topic);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const committedOffset = async (): Promise<string | undefined> =>
        (await admin.fetchOffsets({ groupId, topics: [topic] })).find((t) => t.topic === topic)?.partitions.find((x) => x.partition === 0)?.offset;
      const p = await producer('rs-offsets');
      const t1 = await p.transaction();
      await t1.send({ topic, messages: [{ value: 'out-1' }] });
      await t1.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] });
      await broker.restart();
      await t1.commit(); // the producer reconnects; the pending offsets were rebuilt from __consumer_offsets
      assert.equal(await committedOffset(), '7');

      const t2 = await p.transaction();
      await t2.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '9' }] }] });
      await broker.restart();
      await t2.abort();
      assert.equal(await committedOffset(), '7', 'the aborted transaction\'s offsets are dropped');
      await broker.restart();
      assert.equal(await committedOffset(), '7', 'and stay dropped after another restart');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  });

  it('an idempotent producer\'s batch retried after a restart is recognised, not written twice', async () => {
    const topic = 'restart-idempotent';
    await ensureTopic(broker.port, topic);
    const pid = await withRaw(broker.port, (c) => initProducerId(c, null));
    assert.equal(pid.errorCode, 0);
    assert.ok(pid.producerId >= 0n);
    assert.equal(pid.producerEpoch, 0);
    const id = { producerId: pid.producerId, producerEpoch: pid.producerEpoch };
    const first = producerBatch(['i0', 'i1', 'i2'], { ...id, baseSequence: 0 });
    const second = producerBatch(['i3', 'i4'], { ...id, baseSequence: 3 });

    await withRaw(broker.port, async (c) => {
      const r1 = await produceTo(c, topic, 0, first);
      assert.equal(r1.errorCode, 0);
      assert.equal(r1.baseOffset, 0n);
      const r2 = await produceTo(c, topic, 0, second);
      assert.equal(r2.errorCode, 0);
      assert.equal(r2.baseOffset, 3n);
      const again = await produceTo(c, topic, 0, second);
      assert.deepEqual([again.errorCode, again.baseOffset], [0, 3n], 'a retry before the restart is answered with the original offset');
    });
    assert.equal((await offsets(topic)).hw, 5);

    await broker.restart();

    await withRaw(broker.port, async (c) => {
      const retried = await produceTo(c, topic, 0, second);
      assert.deepEqual([retried.errorCode, retried.baseOffset], [0, 3n], 'the retry after the restart is recognised as the batch written at 3');
      assert.equal((await offsets(topic)).hw, 5, 'and not written again');
      const gap = await produceTo(c, topic, 0, producerBatch(['i7'], { ...id, baseSequence: 7 }));
      assert.equal(gap.errorCode, OUT_OF_ORDER_SEQUENCE_NUMBER, 'a gap after the restored last sequence is refused');
      const next = await produceTo(c, topic, 0, producerBatch(['i5'], { ...id, baseSequence: 5 }));
      assert.deepEqual([next.errorCode, next.baseOffset], [0, 5n], 'the next sequence continues');
    });
    const log = await readBatches(broker.port, topic, 0);
    assert.deepEqual(allValues(log), ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'], 'each record once, in order');
    assert.deepEqual(log.batches.map((b) => b.baseSequence), [0, 3, 5]);
  });
});

describe('transactions and idempotent producers after a broker crash (SIGKILL)', () => {
  let bp: BrokerProcess;

  before(async () => {
    bp = await brokerProcess({
      'num.partitions': '1',
      'offsets.topic.num.partitions': '5',
      'transaction.state.log.num.partitions': '5',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
    });
    await bp.start();
  });
  after(async () => {
    await bp?.destroy();
  });

  it('recovery rebuilds producer state, transaction state and the aborted-transactions index from what was acknowledged', async () => {
    const topic = 'crash-txn';
    await ensureTopic(bp.port, topic);
    const produced = await withRaw(bp.port, async (c) => {
      const ip = await initProducerId(c, null);
      const idem = { producerId: ip.producerId, producerEpoch: ip.producerEpoch };
      const retry = producerBatch(['i2'], { ...idem, baseSequence: 2 });
      assert.equal((await produceTo(c, topic, 0, producerBatch(['i0', 'i1'], { ...idem, baseSequence: 0 }))).baseOffset, 0n);
      assert.equal((await produceTo(c, topic, 0, retry)).baseOffset, 2n);
      const txn = async (id: string, value: string, end: 'commit' | 'abort' | 'open'): Promise<ProducerIdAndEpoch> => {
        const r = await initProducerId(c, id, 60_000);
        assert.equal(r.errorCode, 0);
        const p = { producerId: r.producerId, producerEpoch: r.producerEpoch };
        assert.deepEqual(await addPartitionsToTxn(c, id, p, topic, [0]), [0]);
        assert.equal((await produceTo(c, topic, 0, producerBatch([value], { ...p, baseSequence: 0, transactional: true }), id)).errorCode, 0);
        if (end !== 'open') assert.equal(await endTxn(c, id, p, end === 'commit'), 0);
        return p;
      };
      await txn('crash-committed', 'c1', 'commit'); // 3, COMMIT 4
      await txn('crash-aborted', 'a1', 'abort'); // 5, ABORT 6
      const open = await txn('crash-open', 'o1', 'open'); // 7
      return { retry, open };
    });
    const offsetsOf = (): Promise<{ lso: number; hw: number }> => withRaw(bp.port, async (c) => ({
      lso: await latestOffset(c, topic, 0, READ_COMMITTED), hw: await latestOffset(c, topic, 0, READ_UNCOMMITTED),
    }));
    assert.deepEqual(await offsetsOf(), { lso: 7, hw: 8 });

    await bp.crash();
    await bp.start();

    assert.deepEqual(await offsetsOf(), { lso: 7, hw: 8 }, 'the log and its last stable offset are recovered');
    await withRaw(bp.port, async (c) => {
      assert.equal((await describeTransaction(c, 'crash-committed')).transactionState, 'CompleteCommit');
      assert.equal((await describeTransaction(c, 'crash-aborted')).transactionState, 'CompleteAbort');
      const open = await describeTransaction(c, 'crash-open');
      assert.equal(open.transactionState, 'Ongoing');
      assert.deepEqual([open.producerId, open.producerEpoch], [produced.open.producerId, produced.open.producerEpoch]);
      const again = await produceTo(c, topic, 0, produced.retry);
      assert.deepEqual([again.errorCode, again.baseOffset], [0, 2n], 'the idempotent producer\'s last batch is recognised after recovery');
    });
    assert.deepEqual((await offsetsOf()).hw, 8, 'the retried batch was not written again');
    const recovered = await readBatches(bp.port, topic, 0, READ_COMMITTED);
    assert.deepEqual(recovered.abortedTransactions.map((a) => a.firstOffset), [5], 'the aborted transaction is indexed after recovery');

    // the open transaction's producer comes back as a new instance: the old epoch is fenced
    await withRaw(bp.port, async (c) => {
      const r = await initProducerId(c, 'crash-open', 60_000);
      assert.equal(r.errorCode, 0);
      assert.equal(r.producerId, produced.open.producerId);
      assert.ok(r.producerEpoch > produced.open.producerEpoch);
      const zombie = await produceTo(c, topic, 0, producerBatch(['o2'], { ...produced.open, baseSequence: 1, transactional: true }), 'crash-open');
      assert.equal(zombie.errorCode, INVALID_PRODUCER_EPOCH, 'the instance from before the crash is fenced');
      assert.equal((await produceTo(c, topic, 0, producerBatch(['end'], { producerId: -1n, producerEpoch: -1, baseSequence: -1 }))).errorCode, 0);
    });
    const end = await offsetsOf();
    assert.equal(end.lso, end.hw);
    const committedRead = await readBatches(bp.port, topic, 0, READ_COMMITTED);
    assert.deepEqual(committedRead.abortedTransactions.map((a) => a.firstOffset), [5, 7]);
    const kafka = txnKafka(bp.bootstrap);
    assert.deepEqual(await consumeValues(kafka, topic, { readUncommitted: false, until: (v) => v.includes('end') }), ['i0', 'i1', 'i2', 'c1', 'end']);
  });
});
