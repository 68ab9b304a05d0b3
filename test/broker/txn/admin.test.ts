/**
 * The transaction admin APIs over raw requests, against producers driven with raw requests too
 * (so every id, epoch, sequence and timestamp is known):
 *  - DescribeProducers (v0): per partition, the idempotent and transactional producers with
 *    their epoch, last sequence, last timestamp and the first offset of an open transaction;
 *  - ListTransactions (v1): every transactional id with its producer id and state, filtered by
 *    state names (unknown names echoed back), producer ids and open duration;
 *  - DescribeTransactions (v0): state, timeout, start time, producer id and epoch, and the
 *    partitions of the open transaction; TRANSACTIONAL_ID_NOT_FOUND for unknown ids.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/clients/raw-client.js';
import {
  addPartitionsToTxn, describeProducers, endTxn, initProducerId, listTransactions, produceTo, producerBatch,
  type ProducerIdAndEpoch,
} from '../../support/clients/txn-raw.js';

const TOPIC = 'txn-admin';
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const TRANSACTIONAL_ID_NOT_FOUND = 105;
const T0 = 1_700_000_000_000;

describe('DescribeProducers, ListTransactions and DescribeTransactions', () => {
  let broker: TestBroker;
  let c: RawClient;
  let idempotent: ProducerIdAndEpoch;
  let open: ProducerIdAndEpoch;
  let done: ProducerIdAndEpoch;
  let empty: ProducerIdAndEpoch;
  let openedAfter: number;

  before(async () => {
    broker = await startTestBroker({
      'num.partitions': '2',
      'offsets.topic.num.partitions': '5',
      'transaction.state.log.num.partitions': '5',
    });
    c = await RawClient.connect(broker.port);
    const created = await c.request(19, 5, {
      topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false,
    });
    assert.equal(created.topics[0]?.errorCode, 0);

    // an idempotent producer: two batches to partition 0 (offsets 0-2 and 3)
    const ip = await initProducerId(c, null);
    assert.equal(ip.errorCode, 0);
    idempotent = { producerId: ip.producerId, producerEpoch: ip.producerEpoch };
    assert.equal((await produceTo(c, TOPIC, 0, producerBatch(['x0', 'x1', 'x2'], { ...idempotent, baseSequence: 0, timestamp: T0 }))).errorCode, 0);
    assert.equal((await produceTo(c, TOPIC, 0, producerBatch(['x3'], { ...idempotent, baseSequence: 3, timestamp: T0 + 500 }))).errorCode, 0);

    // adm-open: a transaction left open on partition 0 (offsets 4-5)
    const o = await initProducerId(c, 'adm-open', 45_000);
    assert.equal(o.errorCode, 0);
    open = { producerId: o.producerId, producerEpoch: o.producerEpoch };
    openedAfter = Date.now();
    assert.deepEqual(await addPartitionsToTxn(c, 'adm-open', open, TOPIC, [0]), [0]);
    assert.equal((await produceTo(c, TOPIC, 0, producerBatch(['t0', 't1'], { ...open, baseSequence: 0, transactional: true, timestamp: T0 + 1000 }), 'adm-open')).errorCode, 0);

    // adm-done: a committed transaction on partition 1
    const d = await initProducerId(c, 'adm-done', 30_000);
    done = { producerId: d.producerId, producerEpoch: d.producerEpoch };
    assert.deepEqual(await addPartitionsToTxn(c, 'adm-done', done, TOPIC, [1]), [0]);
    assert.equal((await produceTo(c, TOPIC, 1, producerBatch(['d0'], { ...done, baseSequence: 0, transactional: true }), 'adm-done')).errorCode, 0);
    assert.equal(await endTxn(c, 'adm-done', done, true), 0);

    // adm-empty: initialised, no transaction yet
    const e = await initProducerId(c, 'adm-empty', 20_000);
    empty = { producerId: e.producerId, producerEpoch: e.producerEpoch };
  });
  after(async () => {
    c?.close();
    await broker?.stop();
  });

  it('producer ids are distinct and new transactional ids start at epoch 0', () => {
    const ids = [idempotent, open, done, empty].map((p) => p.producerId);
    assert.equal(new Set(ids).size, 4, `distinct producer ids: ${ids.join(', ')}`);
    assert.ok(ids.every((id) => id >= 0n));
    assert.deepEqual([idempotent, open, done, empty].map((p) => p.producerEpoch), [0, 0, 0, 0]);
  });

  it('DescribeProducers lists each producer of a partition with its epoch, last sequence, last timestamp and open transaction', async () => {
    const p0 = await describeProducers(c, TOPIC, 0);
    assert.equal(p0.errorCode, 0);
    const byId = new Map(p0.producers.map((p) => [p.producerId, p]));
    assert.deepEqual([...byId.keys()].sort(), [idempotent.producerId, open.producerId].sort(), 'partition 0 knows exactly its two producers');
    const ip = byId.get(idempotent.producerId)!;
    assert.deepEqual(
      { epoch: ip.producerEpoch, lastSequence: ip.lastSequence, lastTimestamp: ip.lastTimestamp, txnStart: ip.currentTxnStartOffset },
      { epoch: 0, lastSequence: 3, lastTimestamp: BigInt(T0 + 500), txnStart: -1n },
      'the idempotent producer: last sequence 3 (the second batch), no transaction');
    const tp = byId.get(open.producerId)!;
    assert.deepEqual(
      { epoch: tp.producerEpoch, lastSequence: tp.lastSequence, lastTimestamp: tp.lastTimestamp, txnStart: tp.currentTxnStartOffset },
      { epoch: 0, lastSequence: 1, lastTimestamp: BigInt(T0 + 1001), txnStart: 4n },
      'the transactional producer: its open transaction starts at offset 4');

    const p1 = await describeProducers(c, TOPIC, 1);
    assert.deepEqual(p1.producers.map((p) => [p.producerId, p.producerEpoch, p.lastSequence, p.currentTxnStartOffset]), [[done.producerId, 0, 0, -1n]],
      'partition 1: the committed producer, with no open transaction');

    const missing = await describeProducers(c, TOPIC, 7);
    assert.equal(missing.errorCode, UNKNOWN_TOPIC_OR_PARTITION);
    assert.deepEqual(missing.producers, []);
  });

  it('ListTransactions lists every transactional id, filtered by state, producer id and duration', async () => {
    const all = await listTransactions(c);
    assert.equal(all.errorCode, 0);
    assert.deepEqual(all.unknownStateFilters, []);
    const rows = (r: typeof all): [string, bigint, string][] => r.transactionStates
      .map((t): [string, bigint, string] => [t.transactionalId, t.producerId, t.transactionState])
      .sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(rows(all), [
      ['adm-done', done.producerId, 'CompleteCommit'],
      ['adm-empty', empty.producerId, 'Empty'],
      ['adm-open', open.producerId, 'Ongoing'],
    ]);
    assert.deepEqual(rows(await listTransactions(c, ['Ongoing'])), [['adm-open', open.producerId, 'Ongoing']]);
    assert.deepEqual(rows(await listTransactions(c, ['Empty', 'CompleteCommit'])).map((r) => r[0]), ['adm-done', 'adm-empty']);
    assert.deepEqual(rows(await listTransactions(c, ['PrepareCommit'])), []);
    assert.deepEqual(rows(await listTransactions(c, [], [done.producerId])).map((r) => r[0]), ['adm-done']);
    assert.deepEqual(rows(await listTransactions(c, ['Ongoing'], [done.producerId])), [], 'the filters combine');

    const bogus = await listTransactions(c, ['Bogus', 'Ongoing']);
    assert.deepEqual(bogus.unknownStateFilters, ['Bogus'], 'unknown state names are echoed back');
    assert.deepEqual(rows(bogus).map((r) => r[0]), ['adm-open']);

    assert.ok(rows(await listTransactions(c, [], [], 0n)).some((r) => r[0] === 'adm-open'), 'duration 0: the open transaction is listed');
    assert.ok(!rows(await listTransactions(c, [], [], 3_600_000n)).some((r) => r[0] === 'adm-open'), 'a transaction open for less than an hour is not');
  });

  it('DescribeTransactions describes each id (state, timeout, start, producer, partitions); unknown ids are not found', async () => {
    const r = await c.request(65, 0, { transactionalIds: ['adm-open', 'adm-done', 'adm-empty', 'adm-unknown'] });
    const [o, d, e, u] = r.transactionStates;
    assert.ok(o && d && e && u);
    assert.deepEqual(
      { id: o.transactionalId, error: o.errorCode, state: o.transactionState, timeout: o.transactionTimeoutMs, pid: o.producerId, epoch: o.producerEpoch, topics: o.topics },
      { id: 'adm-open', error: 0, state: 'Ongoing', timeout: 45_000, pid: open.producerId, epoch: 0, topics: [{ topic: TOPIC, partitions: [0] }] });
    const start = Number(o.transactionStartTimeMs);
    assert.ok(start >= openedAfter - 5 && start <= Date.now(), `the start time (${start}) is when the first partition was added`);

    assert.deepEqual(
      { id: d.transactionalId, error: d.errorCode, state: d.transactionState, timeout: d.transactionTimeoutMs, pid: d.producerId, epoch: d.producerEpoch, topics: d.topics },
      { id: 'adm-done', error: 0, state: 'CompleteCommit', timeout: 30_000, pid: done.producerId, epoch: 0, topics: [] });
    assert.deepEqual(
      { id: e.transactionalId, error: e.errorCode, state: e.transactionState, timeout: e.transactionTimeoutMs, pid: e.producerId, start: e.transactionStartTimeMs, topics: e.topics },
      { id: 'adm-empty', error: 0, state: 'Empty', timeout: 20_000, pid: empty.producerId, start: -1n, topics: [] });
    assert.equal(u.transactionalId, 'adm-unknown');
    assert.equal(u.errorCode, TRANSACTIONAL_ID_NOT_FOUND);
  });

  it('after the open transaction is aborted, no producer has an open transaction and it is listed as CompleteAbort', async () => {
    assert.equal(await endTxn(c, 'adm-open', open, false), 0);
    const p0 = await describeProducers(c, TOPIC, 0);
    assert.ok(p0.producers.every((p) => p.currentTxnStartOffset === -1n), 'no open transaction on partition 0');
    assert.deepEqual((await listTransactions(c, ['Ongoing'])).transactionStates, []);
    assert.deepEqual((await listTransactions(c, ['CompleteAbort'])).transactionStates.map((t) => t.transactionalId), ['adm-open']);
  });
});
