/**
 * Transactions with confluent-kafka (librdkafka's transactional producer), read with kcat:
 *  - init_transactions, begin, produce, commit: the records are visible to kcat with
 *    isolation.level=read_committed;
 *  - an abandoned transaction (begin, produce, flush, then the producer process is killed by
 *    pid) with transaction.timeout.ms=3000: while it is open, DescribeTransactions shows it
 *    Ongoing with its partition and the last stable offset stays at its first record, so
 *    read_committed readers stop there; the broker aborts it once the timeout passes (ABORT
 *    marker, epoch bumped, state CompleteAbort), read_committed readers get past it and its
 *    records are never visible to them (read_uncommitted readers do see them).
 * Skipped, with the reason printed, without confluent-kafka or kcat.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMissing } from '../../support/clients/kcat.js';
import { runPython } from '../../support/clients/python.js';
import { ensureTopic, produceBatch } from '../../support/clients/raw-client.js';
import { makeBatch } from '../../support/batches.js';
import { confluentKafkaMissing, startScript } from '../../support/clients/txn-python.js';
import {
  describeTransaction, latestOffset, READ_COMMITTED, READ_UNCOMMITTED, readBatches, withRaw,
} from '../../support/clients/txn-raw.js';
import { waitFor } from '../../support/clients/wait.js';

const skip = (await confluentKafkaMissing()) ?? kcatMissing();
if (skip) console.log(`# skipping the confluent-kafka transaction tests: ${skip}`);

const TIMEOUT_MS = 3000;
const READ_COMMITTED_KCAT = ['-X', 'isolation.level=read_committed'];
const READ_UNCOMMITTED_KCAT = ['-X', 'isolation.level=read_uncommitted'];

/** One committed transaction of the given values (to partition 0); prints {"ev": "committed"}. */
const COMMIT_SCRIPT = String.raw`
import json, sys
from confluent_kafka import Producer
p = json.loads(sys.argv[1])
producer = Producer({'bootstrap.servers': p['bootstrap'], 'transactional.id': p['txid'], 'linger.ms': 0})
producer.init_transactions(15)
producer.begin_transaction()
for v in p['values']:
    producer.produce(p['topic'], value=v.encode(), partition=0)
producer.commit_transaction(15)
print(json.dumps({'ev': 'committed'}), flush=True)
`;

/**
 * Begins a transaction, produces the values, flushes them (so they are in the log), prints
 * {"ev": "flushed"} and then waits, never committing, until killed (or 30 s pass).
 */
const ABANDON_SCRIPT = String.raw`
import json, sys, time
from confluent_kafka import Producer
p = json.loads(sys.argv[1])
producer = Producer({'bootstrap.servers': p['bootstrap'], 'transactional.id': p['txid'],
                     'transaction.timeout.ms': p['timeoutMs'], 'linger.ms': 0})
producer.init_transactions(15)
producer.begin_transaction()
for v in p['values']:
    producer.produce(p['topic'], value=v.encode(), partition=0)
left = producer.flush(15)
print(json.dumps({'ev': 'flushed', 'left': left}), flush=True)
deadline = time.time() + 30
while time.time() < deadline:
    time.sleep(0.1)
`;

function values(records: { value: string | null }[]): (string | null)[] {
  return records.map((r) => r.value);
}

describe('confluent-kafka transactions', { skip: skip ?? false }, () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker({
      'num.partitions': '1',
      'offsets.topic.num.partitions': '5',
      'transaction.state.log.num.partitions': '5',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
    });
  });
  after(async () => {
    await broker?.stop();
  });

  it('init_transactions, begin, produce, commit: the records are visible to kcat read_committed', async () => {
    const topic = 'ck-committed';
    await ensureTopic(broker.port, topic);
    const [done] = await runPython<{ ev: string }>(COMMIT_SCRIPT, { bootstrap: broker.bootstrap, topic, txid: 'ck-commit', values: ['k1', 'k2', 'k3'] }, 30_000);
    assert.deepEqual(done, { ev: 'committed' });
    assert.deepEqual(values(await kcatConsume(broker.bootstrap, topic, { extra: READ_COMMITTED_KCAT })), ['k1', 'k2', 'k3']);
    const log = await readBatches(broker.port, topic, 0);
    assert.equal(log.batches.at(-1)?.marker, 'COMMIT');
    assert.ok(log.batches.filter((b) => b.marker === undefined).every((b) => b.transactional && b.producerId >= 0n));
    const state = await withRaw(broker.port, (c) => describeTransaction(c, 'ck-commit'));
    assert.equal(state.transactionState, 'CompleteCommit');
    assert.deepEqual(state.topics, [], 'a finished transaction has no partitions');
  });

  it('an abandoned transaction is aborted by the broker after transaction.timeout.ms; read_committed readers get past it and never see it', async () => {
    const topic = 'ck-abandoned';
    const txid = 'ck-abandon';
    await ensureTopic(broker.port, topic);
    await runPython(COMMIT_SCRIPT, { bootstrap: broker.bootstrap, topic, txid: 'ck-before', values: ['before-1', 'before-2'] }, 30_000);
    const firstOpenOffset = 3; // before-1, before-2, their COMMIT marker

    const script = startScript<{ ev: string; left?: number }>(ABANDON_SCRIPT,
      { bootstrap: broker.bootstrap, topic, txid, timeoutMs: TIMEOUT_MS, values: ['abandoned-1', 'abandoned-2', 'abandoned-3'] }, 40_000);
    try {
      const flushed = await script.waitForLine((l) => l.ev === 'flushed');
      assert.equal(flushed.left, 0, 'the abandoned records reached the broker');
    } finally {
      await script.kill(); // SIGKILL by pid: the producer never commits nor aborts
    }
    // a plain (non-transactional) record after the abandoned ones
    const after1 = await produceBatch(broker.port, topic, 0, makeBatch({ values: ['after-1'] }));
    assert.equal(after1.errorCode, 0);
    assert.equal(Number(after1.baseOffset), 6);
    const whileOpen = await withRaw(broker.port, async (c) => ({
      state: await describeTransaction(c, txid),
      lso: await latestOffset(c, topic, 0, READ_COMMITTED),
      hw: await latestOffset(c, topic, 0, READ_UNCOMMITTED),
    }));
    const open = whileOpen.state;
    assert.equal(open.errorCode, 0);
    assert.equal(open.transactionState, 'Ongoing', 'well within its timeout the transaction is still open');
    assert.equal(open.transactionTimeoutMs, TIMEOUT_MS);
    assert.deepEqual(open.topics, [{ topic, partitions: [0] }]);
    assert.ok(open.transactionStartTimeMs > 0n && open.transactionStartTimeMs <= BigInt(Date.now()), 'the start time is known');
    assert.deepEqual({ lso: whileOpen.lso, hw: whileOpen.hw }, { lso: firstOpenOffset, hw: 7 },
      'read_committed readers are held at the first record of the open transaction');
    const heldBack = values(await kcatConsume(broker.bootstrap, topic, { extra: READ_COMMITTED_KCAT }));
    const stillOpen = (await withRaw(broker.port, (c) => describeTransaction(c, txid))).transactionState === 'Ongoing';
    if (stillOpen) assert.deepEqual(heldBack, ['before-1', 'before-2'], 'kcat read_committed stops at the last stable offset');
    else console.log('# (the transaction timed out while kcat was reading; its view while open is not checked)');

    // the broker aborts it once transaction.timeout.ms has passed
    const aborted = await waitFor(async () => {
      const s = await withRaw(broker.port, (c) => describeTransaction(c, txid));
      return s.transactionState === 'CompleteAbort' ? s : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, what: `${txid} to be aborted by its timeout` });
    assert.equal(aborted.producerId, open.producerId);
    assert.ok(aborted.producerEpoch > open.producerEpoch, 'aborting a timed-out transaction bumps the epoch (fences the producer)');
    assert.deepEqual(aborted.topics, []);

    const offsets = await withRaw(broker.port, async (c) => ({
      lso: await latestOffset(c, topic, 0, READ_COMMITTED), hw: await latestOffset(c, topic, 0, READ_UNCOMMITTED),
    }));
    assert.equal(offsets.lso, offsets.hw, 'the last stable offset has caught up with the high watermark');
    const log = await readBatches(broker.port, topic, 0);
    const abortMarker = log.batches.find((b) => b.marker === 'ABORT');
    assert.ok(abortMarker, 'an ABORT marker was written');
    assert.equal(abortMarker.producerId, open.producerId);

    assert.deepEqual(values(await kcatConsume(broker.bootstrap, topic, { extra: READ_COMMITTED_KCAT })), ['before-1', 'before-2', 'after-1'],
      'read_committed: past the aborted transaction, without its records');
    assert.deepEqual(values(await kcatConsume(broker.bootstrap, topic, { extra: READ_UNCOMMITTED_KCAT })),
      ['before-1', 'before-2', 'abandoned-1', 'abandoned-2', 'abandoned-3', 'after-1'], 'read_uncommitted sees everything');
    assert.deepEqual(log.batches.map((b) => b.marker ?? b.values.join(',')),
      ['before-1,before-2', 'COMMIT', 'abandoned-1,abandoned-2,abandoned-3', 'after-1', 'ABORT']);
  });
});
